"""The money rules of issue 14: a return of 20 § leaves the payments alone and a recovery stops them; suspension of
payments (19 §) and its ending; interest reckoned to the decision day before the next reference rate is announced
and completed when it is; waiver or reduction (26 §) and offsetting against another grant; payments in arrears
capped at the decision's share of the costs incurred; and the documents of these decisions in Finnish and
Swedish. Dates are relative to today, with the reference rates of conftest.reference_rates_of_last_and_this_year."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from avustamo.applications.models import CoImplementer
from avustamo.core import notices
from avustamo.core.dates import banking_day_from, helsinki_today
from avustamo.core.models import AuditEntry, OutboundEmail
from avustamo.decisions.models import CoImplementerShare
from avustamo.hearings.models import HearingSubject
from avustamo.payments import selectors, services
from avustamo.payments.interest import return_interest
from avustamo.payments.models import (
    BatchStatus,
    ClaimOffset,
    ClaimWaiver,
    InstalmentStatus,
    LedgerKind,
    PaymentApplication,
    PaymentSuspension,
    ReferenceRate,
    ReturnGround,
    SuspensionStatus,
)
from tests.access import LOGIN, assert_access, sign_in
from tests.documents import pdf_text
from tests.factories import (
    AgencyFactory,
    ApplicationFactory,
    CallAssignmentFactory,
    CallFactory,
    GrantFactory,
    MembershipFactory,
    ProgrammeFactory,
    UserFactory,
    heard,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rates_of_last_and_this_year")]
D = datetime.date
TODAY = helsinki_today()
PAYMENT_DAY = banking_day_from(TODAY)
LAST_YEAR, THIS_YEAR = TODAY.year - 1, TODAY.year
END_OF_THIS_YEAR = D(THIS_YEAR, 12, 31)
LEARNED = TODAY - datetime.timedelta(days=10)
REASONS = "Hanketta ei ole toteutettu suunnitellusti."


def _tem_call():
    agency = AgencyFactory(code="TEM", payment_iban="FI2112345600000785")
    if not agency.payment_iban:
        agency.payment_iban = "FI2112345600000785"
        agency.save(update_fields=["payment_iban"])
    return CallFactory(closed=True, programme=ProgrammeFactory(agency=agency))


@pytest.fixture
def paid_grant():
    """10 000 € of which 6 000 € was paid on acceptance on 1 March of last year; 4 000 € waits for the final
    report."""
    return GrantFactory.paid(
        paid_on=D(LAST_YEAR, 3, 1),
        amount="10000.00",
        instalments=[
            {"percent": "60", "condition": "on_acceptance"},
            {"percent": "40", "condition": "after_final_report"},
        ],
    )


def _manager():
    return UserFactory(roles=["programme_manager"], full_name="Pirjo Päättäjä")


def _claim(grant, amount="1000.00", ground=ReturnGround.NOT_USED_AS_DECIDED, due=END_OF_THIS_YEAR, user=None):
    """A return or recovery decided after the recipient was heard on it."""
    heard(grant)
    return services.return_claim_create(
        grant=grant,
        ground=ground,
        amount=Decimal(amount),
        due_date=due,
        learned_on=LEARNED,
        reasons=REASONS,
        acting_user=user or _manager(),
    )


def _document(decision, field="document") -> str:
    decision.refresh_from_db()
    with getattr(decision, field).open("rb") as stored:
        return pdf_text(stored.read())


def _in_swedish(grant):
    grant.decision.language = "sv"
    grant.decision.save(update_fields=["language"])


class TestWhatStopsPayments:
    def test_a_return_of_section_20_leaves_the_plan_alone(self, paid_grant):
        _claim(paid_grant, ground=ReturnGround.NOT_USED_AS_DECIDED)
        statuses = dict(paid_grant.instalments.values_list("number", "status"))
        assert statuses == {1: InstalmentStatus.PAID, 2: InstalmentStatus.PLANNED}
        ledger = selectors.ledger_of(paid_grant)
        # 4 000 € still to pay by the plan, 1 000 € to come back: 3 000 € owed in all.
        assert (ledger.in_force, ledger.owed) == (Decimal("9000.00"), Decimal("3000.00"))
        assert selectors.reconciliation_problems(paid_grant) == []

    @pytest.mark.parametrize("ground", [ReturnGround.MATERIAL_BREACH, ReturnGround.DISCRETIONARY])
    def test_a_recovery_of_sections_21_and_22_stops_them(self, paid_grant, ground):
        _claim(paid_grant, ground=ground)
        assert paid_grant.instalments.get(number=2).status == InstalmentStatus.CANCELLED
        assert selectors.ledger_of(paid_grant).owed == Decimal("-1000.00")
        assert selectors.reconciliation_problems(paid_grant) == []


@pytest.fixture
def due_grant():
    """An accepted grant of 8 000 € paid on acceptance, due and not yet batched."""
    return GrantFactory.accepted(amount="8000.00", call=_tem_call())


def _suspend(grant, starts_on=TODAY, ends_on=None, user=None, **change):
    """A suspension decided after the recipient was heard on it."""
    heard(grant, HearingSubject.SUSPENSION)
    values = {"grounds": "19 § 1 mom.: epäily ehtojen rikkomisesta.", "reasons": REASONS} | change
    return services.payment_suspend(
        grant=grant, starts_on=starts_on, ends_on=ends_on, acting_user=user or _manager(), **values
    )


def _prepare(grant, execution_date=PAYMENT_DAY):
    return services.batch_prepare(
        agency=grant.application.call.programme.agency,
        execution_date=execution_date,
        acting_user=UserFactory(roles=["finance_officer"]),
    )


class TestSuspension:
    def test_no_instalment_of_a_suspended_grant_is_batched_until_the_suspension_ends(self, client, due_grant):
        suspension = _suspend(due_grant)
        with pytest.raises(ValidationError) as refusal:
            _prepare(due_grant)
        assert refusal.value.code == "nothing_due"
        finance = UserFactory(roles=["finance_officer"])
        sign_in(client, finance)
        page = client.get("/en/official/payments/").content.decode()
        assert "Held back by a suspension of payments" in page and "until further notice" in page
        services.payment_suspension_end(
            suspension=suspension, reasons="Selvitys saatu.", acting_user=_manager()
        )
        batch = _prepare(due_grant)
        assert list(batch.instalments.values_list("grant", flat=True)) == [due_grant.pk]
        page = client.get("/en/official/payments/").content.decode()
        assert "Held back by a suspension of payments" not in page

    def test_a_suspension_is_refused_until_the_recipient_is_heard(self, due_grant):
        with pytest.raises(ValidationError) as refusal:
            services.payment_suspend(
                grant=due_grant,
                grounds="19 §.",
                reasons=REASONS,
                starts_on=TODAY,
                ends_on=None,
                acting_user=_manager(),
            )
        assert refusal.value.error_dict["not_heard_ground"][0].code == "not_heard"
        assert not due_grant.suspensions.exists()

    def test_a_suspension_takes_the_grants_payment_out_of_a_batch_not_yet_approved(self, due_grant):
        batch = _prepare(due_grant)
        instalment = due_grant.instalments.get()
        assert instalment.batch_id == batch.pk
        suspension = _suspend(due_grant)
        instalment.refresh_from_db()
        assert (instalment.status, instalment.batch_id) == (InstalmentStatus.DUE, None)
        entry = AuditEntry.objects.get(action="payment_suspension.decided", target_id=str(suspension.pk))
        assert entry.details["withdrawn_from_batches"] == [instalment.pk]
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            services.batch_approve(batch=batch, acting_user=UserFactory(roles=["finance_officer"]))
        assert refusal.value.code == "empty_batch"
        assert "its payments were suspended after it was prepared" in refusal.value.message
        batch.refresh_from_db()
        assert batch.status == BatchStatus.PREPARED

    def test_the_suspension_and_its_ending_are_notified_as_two_decisions(
        self, client, due_grant, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            suspension = _suspend(due_grant)
            services.payment_suspension_end(
                suspension=suspension, reasons="Selvitetty.", acting_user=_manager()
            )
        suspended, ended = notices.notice_of(suspension), notices.notice_of(suspension, "end")
        assert suspended.pk != ended.pk
        assert (suspended.title, ended.title) == (
            "Decision to suspend payments",
            "Decision to end the suspension of payments",
        )
        member = due_grant.application.submitted_by
        sign_in(client, member)
        client.get(
            f"/applications/{due_grant.application_id}/money-decisions/suspension_end/{suspension.pk}.pdf"
        )
        assert notices.notice_of(suspension, "end").first_opened_by == member
        assert notices.notice_of(suspension).first_opened_at is None

    def test_a_suspension_from_a_later_day_holds_back_batches_paid_from_that_day(self, due_grant):
        _suspend(
            due_grant,
            starts_on=TODAY + datetime.timedelta(days=5),
            ends_on=TODAY + datetime.timedelta(days=9),
        )
        with pytest.raises(ValidationError):
            _prepare(due_grant, execution_date=banking_day_from(TODAY + datetime.timedelta(days=5)))
        assert _prepare(due_grant).instalments.count() == 1

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"grounds": " "}, "grounds"),
            ({"reasons": ""}, "reasons"),
            ({"starts_on": TODAY - datetime.timedelta(days=1)}, "starts_on"),
            ({"ends_on": TODAY - datetime.timedelta(days=1)}, "ends_on"),
        ],
    )
    def test_what_cannot_be_decided_is_refused_and_nothing_saved(self, due_grant, change, field):
        with pytest.raises(ValidationError) as refusal:
            _suspend(due_grant, **change)
        assert field in refusal.value.error_dict
        assert not PaymentSuspension.objects.exists()

    def test_one_suspension_at_a_time_and_an_end_needs_reasons_and_happens_once(self, due_grant):
        suspension = _suspend(due_grant)
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _suspend(due_grant)
        assert "already suspended" in refusal.value.error_dict["starts_on"][0].message
        with pytest.raises(ValidationError) as no_reasons:
            services.payment_suspension_end(suspension=suspension, reasons=" ", acting_user=_manager())
        assert "reasons" in no_reasons.value.error_dict
        suspension.refresh_from_db()
        assert suspension.status == SuspensionStatus.IN_FORCE
        services.payment_suspension_end(
            suspension=suspension, reasons="Selvitys saatu.", acting_user=_manager()
        )
        with pytest.raises(ValidationError):
            services.payment_suspension_end(
                suspension=suspension, reasons="Uudelleen.", acting_user=_manager()
            )

    @pytest.mark.parametrize("role", ["finance_officer", "auditor", "reviewer"])
    def test_only_the_officials_who_decide_recoveries_suspend(self, due_grant, role):
        with pytest.raises(PermissionDenied):
            _suspend(due_grant, user=UserFactory(roles=[role]))
        assert not PaymentSuspension.objects.exists()

    @pytest.mark.reads_pdf
    def test_the_decisions_are_documents_sent_to_the_recipient(
        self, due_grant, django_capture_on_commit_callbacks
    ):
        official = UserFactory(
            roles=["programme_manager"], full_name="Pirjo Päättäjä", job_title_fi="neuvotteleva virkamies",
            phone="0295 047 000",
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            suspension = _suspend(due_grant, ends_on=TODAY + datetime.timedelta(days=30), user=official)
        text = _document(suspension)
        for expected in [
            "neuvotteleva virkamies",
            "0295 047 000",
            "Päätös valtionavustuksen maksatuksen keskeyttämisestä",
            "19 § 1 mom.: epäily ehtojen rikkomisesta.",
            REASONS,
            "Valtionavustuslaki (688/2001), 19 §",
            "Oikaisuvaatimusohje",
            "Lisätietoja päätöksestä antaa",
            "Pirjo Päättäjä",
            f"{(TODAY + datetime.timedelta(days=30)):%-d.%-m.%Y}",
            due_grant.application.register_number,
        ]:
            assert expected in text, expected
        (email,) = mail.outbox
        assert email.to == [due_grant.application.submitted_by.email] and email.attachments
        with django_capture_on_commit_callbacks(execute=True):
            services.payment_suspension_end(
                suspension=suspension, reasons="Selvitys saatu.", acting_user=_manager()
            )
        text = _document(suspension, "end_document")
        assert "Päätös valtionavustuksen maksatuksen keskeyttämisen lopettamisesta" in text
        assert "Selvitys saatu." in text and len(mail.outbox) == 2

    @pytest.mark.reads_pdf
    def test_in_swedish_for_a_swedish_grant_decision(self, due_grant, django_capture_on_commit_callbacks):
        _in_swedish(due_grant)
        with django_capture_on_commit_callbacks(execute=True):
            suspension = _suspend(due_grant)
        text = _document(suspension)
        assert "Beslut om avbrytande av utbetalningen av statsunderstöd" in text
        assert "tills vidare" in text and "Anvisning om begäran om omprövning" in text
        with django_capture_on_commit_callbacks(execute=True):
            services.payment_suspension_end(suspension=suspension, reasons="Utrett.", acting_user=_manager())
        assert "Beslut om att avsluta avbrytandet" in _document(suspension, "end_document")

    def test_both_sides_see_the_suspension(self, client, due_grant):
        CallAssignmentFactory.presenter_of(due_grant)
        sign_in(client, due_grant.decision.presenter)
        path = f"/en/official/applications/{due_grant.application_id}/decision/"
        form = client.get(path).content.decode()
        assert "Suspend the payments" in form and "Decided without hearing because" in form
        heard(due_grant, HearingSubject.SUSPENSION)
        response = client.post(
            f"/official/applications/{due_grant.application_id}/suspensions/",
            {"suspension-grounds": "Epäily.", "suspension-reasons": REASONS, "suspension-starts_on": TODAY},
        )
        assert response.status_code == 302
        page = client.get(path).content.decode()
        assert "suspended until further notice (section 19)" in page and "End the suspension" in page
        refused = client.post(
            f"/official/applications/{due_grant.application_id}/suspensions/",
            {"suspension-grounds": "", "suspension-reasons": "", "suspension-starts_on": TODAY},
        )
        assert refused.status_code == 400 and PaymentSuspension.objects.count() == 1
        sign_in(client, due_grant.application.submitted_by)
        page = client.get(f"/en/applications/{due_grant.application_id}/decision/").content.decode()
        assert "The payments of the grant are suspended until further notice" in page


class TestInterestBeforeTheNextRateIsAnnounced:
    """A due date in the first half of next year, whose reference rate is not entered."""

    DUE = D(THIS_YEAR + 1, 1, 31)

    def test_the_interest_is_reckoned_to_the_decision_day_and_completed_when_the_rate_is_entered(
        self, paid_grant
    ):
        claim = _claim(paid_grant, due=self.DUE)
        assert not claim.interest_complete and claim.interest_reckoned_to == TODAY
        to_today = return_interest(
            parts=[(D(LAST_YEAR, 3, 1), Decimal("1000.00"))],
            due_date=TODAY,
            rates=selectors.reference_rates(D(LAST_YEAR, 3, 1), TODAY),
        )
        assert claim.interest == to_today.total and claim.interest_lines == to_today.lines
        decided_lines = list(claim.interest_lines)
        services.reference_rate_enter(
            valid_from=D(THIS_YEAR + 1, 1, 1), rate=Decimal("2.0"), source="testi", acting_user=UserFactory()
        )
        claim.refresh_from_db()
        assert claim.interest_complete and claim.interest_reckoned_to == self.DUE
        assert claim.interest_lines[: len(decided_lines)] == decided_lines, (
            "the decided lines stay as they were"
        )
        added = claim.interest_lines[len(decided_lines) :]
        assert (
            added[0]["first_day"] == TODAY.isoformat() and added[-1]["last_day"] == f"{THIS_YEAR + 1}-01-30"
        )
        # The last piece: 1 000 € x (2.0 + 3) % over the 30 days of January before the due date = 4.11.
        assert added[-1]["days"] == 30 and added[-1]["interest"] == "4.11"
        assert claim.interest == to_today.total + sum(Decimal(line["interest"]) for line in added)
        (told,) = OutboundEmail.objects.filter(key=f"interest-completed:{claim.pk}")
        assert told.recipient == paid_grant.application.submitted_by.email
        assert f"{claim.interest:.2f}".replace(".", ",") in told.body, (
            "the recipient is told the interest to pay"
        )

    def test_a_claim_whose_whole_amount_was_waived_bears_no_more_interest(self, paid_grant):
        claim = _claim(paid_grant, due=self.DUE)
        services.claim_waive(
            claim=claim,
            amount=claim.amount,
            interest=Decimal("0"),
            reasons="Kohtuuton.",
            acting_user=_manager(),
        )
        services.reference_rate_enter(
            valid_from=D(THIS_YEAR + 1, 1, 1), rate=Decimal("2.0"), source="testi", acting_user=UserFactory()
        )
        claim.refresh_from_db()
        assert claim.interest_reckoned_to == TODAY and not claim.interest_complete
        assert not OutboundEmail.objects.filter(key=f"interest-completed:{claim.pk}").exists()

    def test_a_rate_for_another_half_year_leaves_the_interest_waiting(self, paid_grant):
        claim = _claim(paid_grant, due=self.DUE)
        services.reference_rate_enter(
            valid_from=D(THIS_YEAR - 5, 1, 1), rate=Decimal("0.5"), source="testi", acting_user=UserFactory()
        )
        claim.refresh_from_db()
        assert not claim.interest_complete and claim.interest_reckoned_to == TODAY

    def test_the_pages_say_the_rest_is_added_later(self, client, paid_grant):
        _claim(paid_grant, due=self.DUE)
        sign_in(client, paid_grant.application.submitted_by)
        page = client.get(f"/en/applications/{paid_grant.application_id}/decision/").content.decode()
        assert "is added when the reference rate for that time is announced" in page

    @pytest.mark.reads_pdf
    def test_the_decision_states_the_rule_of_section_24_for_the_rest(
        self, paid_grant, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            claim = _claim(paid_grant, due=self.DUE)
        text = _document(claim)
        assert "Korkolain viitekorkoa ei ole vielä ilmoitettu koko ajalle eräpäivään saakka" in text
        assert "lisättynä 3 prosenttiyksiköllä (24 §)" in text
        assert "Tämä päätös ei muuta avustuksen maksatusta." in text

    def test_a_day_with_no_rate_at_all_is_still_refused_by_the_calculator(self, client):
        ReferenceRate.objects.filter(valid_from__gte=D(THIS_YEAR, 7, 1)).delete()
        sign_in(client, UserFactory(roles=["programme_manager"]))
        response = client.get(
            "/en/official/interest/",
            {"amount": "1000", "start": D(THIS_YEAR, 7, 1), "end": D(THIS_YEAR, 8, 1), "kind": "grant"},
        )
        assert (
            response.status_code == 400 and "No reference rate has been entered" in response.content.decode()
        )


class TestWaiver:
    def test_a_waiver_lowers_what_is_left_and_the_ledger_lets_it_go(self, paid_grant):
        claim = _claim(paid_grant, ground=ReturnGround.MATERIAL_BREACH)
        services.claim_waive(
            claim=claim, amount=Decimal("300.00"), interest=Decimal("10.00"), reasons="Kohtuutonta.",
            acting_user=_manager(),
        )  # fmt: skip
        claim.refresh_from_db()
        assert (claim.amount_left, claim.interest_left) == (
            Decimal("700.00"),
            claim.interest - Decimal("10.00"),
        )
        ledger = selectors.ledger_of(paid_grant)
        assert ledger.by_kind[LedgerKind.WAIVED] == Decimal("300.00") and ledger.owed == Decimal("-700.00")
        assert selectors.returnable(paid_grant) == Decimal("5000.00"), "what was waived is not claimed again"
        services.return_claim_received(
            claim=claim, received_on=TODAY, acting_user=UserFactory(roles=["finance_officer"])
        )
        ledger = selectors.ledger_of(paid_grant)
        assert ledger.returned == Decimal("700.00") and ledger.owed == Decimal("0.00")
        assert selectors.reconciliation_problems(paid_grant) == []

    @pytest.mark.parametrize(
        ("amount", "interest", "reasons", "field"),
        [
            ("1000.01", "0", "Syy.", "amount"),
            ("0", "99999", "Syy.", "interest"),
            ("0", "0", "Syy.", "amount"),
            ("100", "0", " ", "reasons"),
        ],
    )
    def test_what_cannot_be_waived_is_refused_and_nothing_saved(
        self, paid_grant, amount, interest, reasons, field
    ):
        claim = _claim(paid_grant)
        with pytest.raises(ValidationError) as refusal:
            services.claim_waive(
                claim=claim, amount=Decimal(amount), interest=Decimal(interest), reasons=reasons,
                acting_user=_manager(),
            )  # fmt: skip
        assert field in refusal.value.error_dict
        claim.refresh_from_db()
        assert not ClaimWaiver.objects.exists() and claim.amount_left == Decimal("1000.00")
        assert LedgerKind.WAIVED not in selectors.ledger_of(paid_grant).by_kind

    @pytest.mark.reads_pdf
    @pytest.mark.parametrize("language", ["fi", "sv"])
    def test_the_decision_in_the_grant_decisions_language(
        self, paid_grant, django_capture_on_commit_callbacks, language
    ):
        if language == "sv":
            _in_swedish(paid_grant)
        claim = _claim(paid_grant)
        with django_capture_on_commit_callbacks(execute=True):
            waiver = services.claim_waive(
                claim=claim, amount=Decimal("300.00"), interest=Decimal("0"), reasons="Kohtuutonta.",
                acting_user=_manager(),
            )  # fmt: skip
        text = _document(waiver)
        expected = {
            "fi": ["Päätös valtionavustuksen palautuksen tai takaisinperinnän kohtuullistamisesta", "26 §",
                   "300 €", "700 €", "Oikaisuvaatimusohje"],
            "sv": ["Beslut om jämkning av återbetalning eller återkrav av statsunderstöd", "26 §", "300 €",
                   "700 €", "Anvisning om begäran om omprövning"],
        }[language]  # fmt: skip
        for part in [*expected, "Kohtuutonta.", "Pirjo Päättäjä"]:
            assert part in text, part
        assert mail.outbox[-1].attachments


@pytest.fixture
def other_grant(paid_grant):
    """A second grant of 5 000 € to the same recipient, accepted, its instalment due."""
    call = CallFactory(closed=True, programme=paid_grant.application.call.programme)
    application = ApplicationFactory.submitted(call, applicant=paid_grant.application.submitted_by)
    return GrantFactory.accepted(amount="5000.00", application=application)


def _offset(claim, instalment, amount, reasons="Kuitataan saatava.", user=None):
    """An offsetting decided after the recipient was heard on it."""
    heard(claim.grant, HearingSubject.OFFSET)
    return services.claim_offset(
        claim=claim,
        instalment=instalment,
        amount=Decimal(amount),
        reasons=reasons,
        acting_user=user or _manager(),
    )


class TestOffsetting:
    def test_an_offset_is_refused_until_the_recipient_is_heard(self, paid_grant, other_grant):
        claim = _claim(paid_grant, ground=ReturnGround.MATERIAL_BREACH)
        instalment = other_grant.instalments.get()
        with pytest.raises(ValidationError) as refusal:
            services.claim_offset(
                claim=claim,
                instalment=instalment,
                amount=Decimal("200.00"),
                reasons="R.",
                acting_user=_manager(),
            )
        assert refusal.value.error_dict["not_heard_ground"][0].code == "not_heard"
        assert not ClaimOffset.objects.exists()
        instalment.refresh_from_db()
        assert instalment.status == InstalmentStatus.DUE

    def test_an_offset_is_refused_while_an_agreement_on_passing_the_grant_on_is_missing(
        self, paid_grant, other_grant
    ):
        partner = CoImplementer.objects.create(
            application=other_grant.application,
            business_id="1732050-2",
            name="Osatoteuttaja ry",
            contact_name="Olli Osatoteuttaja",
            contact_email="olli@example.org",
        )
        CoImplementerShare.objects.create(
            decision=other_grant.decision, co_implementer=partner, amount="1000.00"
        )
        claim = _claim(paid_grant, ground=ReturnGround.MATERIAL_BREACH)
        instalment = other_grant.instalments.get()
        with pytest.raises(ValidationError) as refusal:
            _offset(claim, instalment, "200.00")
        assert "Osatoteuttaja ry" in refusal.value.message_dict["instalment"][0]
        assert not ClaimOffset.objects.exists()
        instalment.refresh_from_db()
        assert instalment.status == InstalmentStatus.DUE

    def test_an_offset_pays_the_claim_from_the_other_grants_instalment(self, paid_grant, other_grant):
        claim = _claim(paid_grant, ground=ReturnGround.MATERIAL_BREACH)
        instalment = other_grant.instalments.get()
        _offset(claim, instalment, "1050.00")
        claim.refresh_from_db()
        assert (claim.offset_amount, claim.offset_interest) == (Decimal("1000.00"), Decimal("50.00"))
        assert claim.amount_left == 0 and claim.interest_left == claim.interest - Decimal("50.00")
        instalments = sorted(other_grant.instalments.values_list("amount", "status", "paid_on"))
        assert instalments == [
            (Decimal("1050.00"), InstalmentStatus.OFFSET, TODAY),
            (Decimal("3950.00"), InstalmentStatus.DUE, None),
        ]
        other = selectors.ledger_of(other_grant)
        assert (other.paid, other.owed) == (Decimal("1050.00"), Decimal("3950.00"))
        mine = selectors.ledger_of(paid_grant)
        assert mine.returned == Decimal("1000.00") and mine.owed == Decimal("0.00")
        assert selectors.reconciliation_problems(paid_grant) == []
        assert selectors.reconciliation_problems(other_grant) == []

    def test_an_offset_of_the_whole_instalment_cancels_it(self, paid_grant, other_grant):
        claim = _claim(paid_grant, amount="5000.00", ground=ReturnGround.MATERIAL_BREACH)
        instalment = other_grant.instalments.get()
        _offset(claim, instalment, "5000.00")
        instalment.refresh_from_db()
        assert instalment.status == InstalmentStatus.CANCELLED
        assert selectors.reconciliation_problems(other_grant) == []
        with pytest.raises(ValidationError):
            _prepare(other_grant)

    def test_what_cannot_be_offset_is_refused_and_nothing_saved(self, paid_grant, other_grant):
        claim = _claim(paid_grant)
        instalment = other_grant.instalments.get()
        stranger = GrantFactory.accepted(amount="3000.00", call=_tem_call()).instalments.get()
        own = paid_grant.instalments.get(number=2)
        for target, amount, field in [
            (instalment, "0.00", "amount"),
            (instalment, "2000.00", "amount"),  # more than is left due with its interest
            (stranger, "100.00", "instalment"),
            (own, "100.00", "instalment"),
        ]:
            with pytest.raises(ValidationError) as refusal:
                _offset(claim, target, amount)
            assert field in refusal.value.error_dict, (target, amount)
        with pytest.raises(ValidationError) as no_reasons:
            _offset(claim, instalment, "100.00", reasons=" ")
        assert "reasons" in no_reasons.value.error_dict
        _suspend(other_grant)
        with pytest.raises(ValidationError) as suspended:
            _offset(claim, instalment, "100.00")
        assert "instalment" in suspended.value.error_dict
        assert not ClaimOffset.objects.exists()
        instalment.refresh_from_db()
        assert instalment.amount == Decimal("5000.00") and instalment.status == InstalmentStatus.DUE

    @pytest.mark.reads_pdf
    @pytest.mark.parametrize("language", ["fi", "sv"])
    def test_the_decision_in_the_grant_decisions_language(
        self, paid_grant, other_grant, django_capture_on_commit_callbacks, language
    ):
        if language == "sv":
            _in_swedish(paid_grant)
        claim = _claim(paid_grant, ground=ReturnGround.MATERIAL_BREACH)
        with django_capture_on_commit_callbacks(execute=True):
            offset = _offset(claim, other_grant.instalments.get(), "1050.00")
        text = _document(offset)
        number = other_grant.application.register_number
        expected = {
            "fi": ["Päätös valtionavustuksen palautuksen tai takaisinperinnän kuittaamisesta",
                   f"avustuksen {number} maksuerä 1", "1 050 €", "Oikaisuvaatimusohje"],
            "sv": ["Beslut om kvittning av återbetalning eller återkrav av statsunderstöd",
                   f"delbetalning 1 av understödet {number}", "1 050 €", "Anvisning om begäran om omprövning"],
        }[language]  # fmt: skip
        for part in [*expected, "Kuitataan saatava.", "Pirjo Päättäjä", "34 §"]:
            assert part in text, part

    def test_through_the_page(self, client, paid_grant, other_grant):
        claim = _claim(paid_grant, ground=ReturnGround.MATERIAL_BREACH)
        sign_in(client, _manager())
        page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
        assert "Decide the offsetting" in page and "Waive or reduce (section 26)" in page
        instalment = other_grant.instalments.get()
        heard(paid_grant, HearingSubject.OFFSET)
        offset = {f"offset-{claim.pk}-instalment": instalment.pk, f"offset-{claim.pk}-amount": "400",
                  f"offset-{claim.pk}-reasons": "Kuittaus."}  # fmt: skip
        with translation.override("en"):
            asking = client.post(f"/en/official/returns/{claim.pk}/offset/", offset)
        assert asking.status_code == 200 and "Decide the offsetting?" in asking.content.decode()
        assert not ClaimOffset.objects.exists()
        response = client.post(f"/official/returns/{claim.pk}/offset/", {**offset, "confirmed": "yes"})
        assert response.status_code == 302 and ClaimOffset.objects.get().amount == Decimal("400.00")
        response = client.post(
            f"/official/returns/{claim.pk}/waive/",
            {
                f"waive-{claim.pk}-amount": "9999",
                f"waive-{claim.pk}-interest": "0",
                f"waive-{claim.pk}-reasons": "x",
                "confirmed": "yes",
            },
        )
        assert response.status_code == 400 and not ClaimWaiver.objects.exists()


@pytest.fixture
def arrears_grant():
    """10 000 € paid in arrears, at most 70 % of the eligible costs, for last year."""
    return GrantFactory.accepted(
        amount="10000.00",
        max_share_percent="70",
        instalments=[{"percent": "100", "condition": "in_arrears"}],
        period=(D(LAST_YEAR, 1, 1), D(LAST_YEAR, 12, 31)),
        call=_tem_call(),
    )


FIRST_HALF = (D(LAST_YEAR, 1, 1), D(LAST_YEAR, 6, 30))
SECOND_QUARTER = (D(LAST_YEAR, 7, 1), D(LAST_YEAR, 9, 30))


def _apply(grant, amount, costs, period=FIRST_HALF):
    return services.payment_application_submit(
        grant=grant,
        period_start=period[0],
        period_end=period[1],
        costs_incurred=Decimal(costs),
        amount=Decimal(amount),
        description="Palkat.",
        acting_user=grant.application.submitted_by,
    )


class TestPaymentInArrearsIsCapped:
    def test_at_most_the_decisions_share_of_the_costs_incurred_in_all(self, arrears_grant):
        _apply(arrears_grant, "7000.00", "10000.00")
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _apply(arrears_grant, "800.00", "1000.00", period=SECOND_QUARTER)
        assert refusal.value.error_dict["amount"][0].message == (
            "The grant pays at most 70 % of the eligible costs incurred, and never more than the grant: with the "
            "costs and payments of your earlier applications, this application may ask at most €700."
        )
        assert PaymentApplication.objects.count() == 1
        _apply(arrears_grant, "700.00", "1000.00", period=SECOND_QUARTER)

    def test_an_application_approved_in_part_counts_by_what_was_approved(self, arrears_grant):
        first = _apply(arrears_grant, "7000.00", "10000.00")
        heard(first.grant, HearingSubject.PAYMENT_APPLICATION)
        services.payment_application_decide(
            payment_application=first, approved_amount=Decimal("5000.00"), reason="Osa kuluista ei kelpaa.",
            acting_user=UserFactory(roles=["finance_officer"]),
        )  # fmt: skip
        # 70 % of 13 000 € is 9 100 €, of which 5 000 € was approved: 2 700 € may be asked (not if 7 000 € counted).
        assert _apply(arrears_grant, "2700.00", "3000.00", period=SECOND_QUARTER).amount == Decimal("2700.00")

    def test_the_form_says_the_cap_before_sending(self, client, arrears_grant):
        sign_in(client, arrears_grant.application.submitted_by)
        page = client.get(f"/en/applications/{arrears_grant.application_id}/decision/").content.decode()
        assert "The grant pays at most 70 % of the eligible costs incurred, counted over all" in page

    @pytest.mark.reads_pdf
    @pytest.mark.parametrize("language", ["fi", "sv"])
    def test_a_decision_refusing_costs_is_a_document(
        self, arrears_grant, django_capture_on_commit_callbacks, language
    ):
        if language == "sv":
            _in_swedish(arrears_grant)
        application = _apply(arrears_grant, "7000.00", "10000.00")
        with django_capture_on_commit_callbacks(execute=True):
            heard(application.grant, HearingSubject.PAYMENT_APPLICATION)
            services.payment_application_decide(
                payment_application=application, approved_amount=Decimal("5000.00"),
                reason="Osa kuluista ei kelpaa.", acting_user=UserFactory(roles=["finance_officer"]),
            )  # fmt: skip
        text = _document(application)
        expected = {
            "fi": ["Päätös valtionavustuksen maksatushakemukseen", "Hyväksytty määrä", "Oikaisuvaatimusohje"],
            "sv": ["Beslut om ansökan om utbetalning av statsunderstöd", "Godkänt belopp",
                   "Anvisning om begäran om omprövning"],
        }[language]  # fmt: skip
        for part in [*expected, "7 000 €", "5 000 €", "Osa kuluista ei kelpaa.", "34 §"]:
            assert part in text, part

    def test_a_decision_approving_all_makes_no_document(
        self, arrears_grant, django_capture_on_commit_callbacks
    ):
        application = _apply(arrears_grant, "7000.00", "10000.00")
        with django_capture_on_commit_callbacks(execute=True):
            heard(application.grant, HearingSubject.PAYMENT_APPLICATION)
            services.payment_application_decide(
                payment_application=application, approved_amount=Decimal("7000.00"), reason="",
                acting_user=UserFactory(roles=["finance_officer"]),
            )  # fmt: skip
        application.refresh_from_db()
        assert not application.document
        assert not OutboundEmail.objects.filter(key__startswith="payment_application-decided").exists()


# --- Who may act and read, and what the pages cost -------------------------------------------------------------

ROLES = {
    "anonymous": lambda grant: AnonymousUser(),
    "member": lambda grant: grant.application.submitted_by,
    "other_organisation": lambda grant: MembershipFactory().person,
    "presenter": lambda grant: grant.decision.presenter,
    "manager": lambda grant: UserFactory(roles=["programme_manager"]),
    "finance": lambda grant: UserFactory(roles=["finance_officer"]),
    "auditor": lambda grant: UserFactory(roles=["auditor"]),
    "reviewer": lambda grant: UserFactory(roles=["reviewer"]),
}
OFFICIAL_READERS = {"presenter", "manager", "finance", "auditor"}
DECIDERS = {"presenter", "manager"}


def _expected(role: str, allowed: set, code: int, refused: int = 403):
    if role == "anonymous":
        return LOGIN
    return code if role in allowed else refused


@pytest.fixture
def decided(paid_grant, other_grant, django_capture_on_commit_callbacks):
    """A suspension ended, a claim with a waiver and an offsetting, a payment application refused in part: every
    kind of money decision, each with its document."""
    CallAssignmentFactory.presenter_of(paid_grant)
    with django_capture_on_commit_callbacks(execute=True):
        suspension = _suspend(paid_grant)
        services.payment_suspension_end(suspension=suspension, reasons="Selvitetty.", acting_user=_manager())
        claim = _claim(paid_grant, ground=ReturnGround.MATERIAL_BREACH)
        waiver = services.claim_waive(
            claim=claim, amount=Decimal("100"), interest=Decimal("0"), reasons="Syy.", acting_user=_manager()
        )
        offset = _offset(claim, other_grant.instalments.get(), "200.00")
    return {
        "suspension": suspension,
        "suspension_end": suspension,
        "return": claim,
        "waiver": waiver,
        "offset": offset,
    }


@pytest.mark.parametrize("kind", ["suspension", "suspension_end", "waiver", "offset"])
@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_download_a_money_decision(client, decided, paid_grant, kind, role):
    decision = decided[kind]
    user = ROLES[role](paid_grant)
    official = f"/official/money-decisions/{kind}/{decision.pk}.pdf"
    assert_access(client, user, "GET", official, _expected(role, OFFICIAL_READERS, 200))
    mine = f"/applications/{paid_grant.application_id}/money-decisions/{kind}/{decision.pk}.pdf"
    assert_access(client, user, "GET", mine, _expected(role, {"member"}, 200, 404))


def test_a_decision_of_another_grant_is_not_the_recipients(client, decided, paid_grant, other_grant):
    sign_in(client, paid_grant.application.submitted_by)
    path = f"/applications/{other_grant.application_id}/money-decisions/waiver/{decided['waiver'].pk}.pdf"
    assert client.get(path).status_code == 404
    assert client.get(f"/official/money-decisions/nothing/{decided['waiver'].pk}.pdf").status_code == 404


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("action", ["suspend", "end", "waive", "offset"])
def test_who_may_decide_on_the_pages(client, paid_grant, other_grant, role, action):
    CallAssignmentFactory.presenter_of(paid_grant)
    claim = _claim(paid_grant, ground=ReturnGround.MATERIAL_BREACH)
    suspension = _suspend(other_grant)
    path, data, made = {
        "suspend": (
            f"/official/applications/{paid_grant.application_id}/suspensions/",
            {"suspension-grounds": "E.", "suspension-reasons": "R.", "suspension-starts_on": TODAY},
            lambda: PaymentSuspension.objects.filter(grant=paid_grant).exists(),
        ),
        "end": (
            f"/official/suspensions/{suspension.pk}/end/",
            {f"end-{suspension.pk}-reasons": "R."},
            lambda: PaymentSuspension.objects.filter(status=SuspensionStatus.ENDED).exists(),
        ),
        "waive": (
            f"/official/returns/{claim.pk}/waive/",
            {f"waive-{claim.pk}-amount": "10", f"waive-{claim.pk}-interest": "0", f"waive-{claim.pk}-reasons": "R."},
            ClaimWaiver.objects.exists,
        ),
        "offset": (
            f"/official/returns/{claim.pk}/offset/",
            {f"offset-{claim.pk}-instalment": other_grant.instalments.get().pk,
             f"offset-{claim.pk}-amount": "10", f"offset-{claim.pk}-reasons": "R."},
            ClaimOffset.objects.exists,
        ),
    }[action]  # fmt: skip
    if action == "offset":
        services.payment_suspension_end(suspension=suspension, reasons="R.", acting_user=_manager())
    if action == "suspend":
        heard(paid_grant, HearingSubject.SUSPENSION)
    if action == "offset":
        heard(paid_grant, HearingSubject.OFFSET)
    user = ROLES[role](paid_grant)
    # Ending a suspension of the other grant, or taking from its instalment, is not for this grant's presenter.
    allowed = DECIDERS if action in ("suspend", "waive") else {"manager"}
    assert_access(client, user, "POST", path, _expected(role, allowed, 302), data=data)
    assert made() == (role in allowed)


def _statements(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_decision_pages_make_as_many_statements_however_many_money_decisions(
    client, paid_grant, other_grant
):
    """A suspension ended, a claim with a waiver and an offsetting; then as many again: the officials' and the
    recipient's pages ask the database the same number of times."""

    def decide_a_round():
        suspension = _suspend(paid_grant)
        services.payment_suspension_end(suspension=suspension, reasons="R.", acting_user=_manager())
        claim = _claim(paid_grant, amount="500.00", ground=ReturnGround.MATERIAL_BREACH)
        services.claim_waive(
            claim=claim, amount=Decimal("10"), interest=Decimal("0"), reasons="R.", acting_user=_manager()
        )
        _offset(claim, other_grant.instalments.get(status=InstalmentStatus.DUE), "20.00")

    decide_a_round()
    manager, member = _manager(), paid_grant.application.submitted_by
    official = f"/en/official/applications/{paid_grant.application_id}/decision/"
    mine = f"/en/applications/{paid_grant.application_id}/decision/"
    sign_in(client, manager)
    _statements(
        client, official
    )  # the first request of a session also reads the session and the user's setup
    official_once = _statements(client, official)
    sign_in(client, member)
    _statements(client, mine)
    mine_once = _statements(client, mine)
    decide_a_round()
    sign_in(client, manager)
    _statements(client, official)
    assert _statements(client, official) == official_once
    sign_in(client, member)
    _statements(client, mine)
    assert _statements(client, mine) == mine_once


def test_the_payments_page_makes_as_many_statements_however_many_grants_are_held_back(client, due_grant):
    _suspend(due_grant)
    sign_in(client, UserFactory(roles=["finance_officer"]))
    _statements(client, "/en/official/payments/")
    once = _statements(client, "/en/official/payments/")
    for _ in range(2):
        _suspend(GrantFactory.accepted(amount="1000.00", call=_tem_call()))
    page = client.get("/en/official/payments/").content.decode()
    assert page.count("until further notice") == 3
    assert _statements(client, "/en/official/payments/") == once


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_download_a_payment_application_decision(
    client, arrears_grant, django_capture_on_commit_callbacks, role
):
    CallAssignmentFactory.presenter_of(arrears_grant)
    application = _apply(arrears_grant, "7000.00", "10000.00")
    with django_capture_on_commit_callbacks(execute=True):
        heard(application.grant, HearingSubject.PAYMENT_APPLICATION)
        services.payment_application_decide(
            payment_application=application, approved_amount=Decimal("0"), reason="Kulut eivät kelpaa.",
            acting_user=UserFactory(roles=["finance_officer"]),
        )  # fmt: skip
    user = ROLES[role](arrears_grant)
    official = f"/official/money-decisions/payment_application/{application.pk}.pdf"
    assert_access(client, user, "GET", official, _expected(role, OFFICIAL_READERS, 200))
    mine = f"/applications/{arrears_grant.application_id}/money-decisions/payment_application/{application.pk}.pdf"
    assert_access(client, user, "GET", mine, _expected(role, {"member"}, 200, 404))
    if role == "member":
        page = client.get(f"/en/applications/{arrears_grant.application_id}/decision/").content.decode()
        assert mine in page
