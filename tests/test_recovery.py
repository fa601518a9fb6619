"""Return and recovery decisions (issue 6, section 7): the decision document with the interest of 24 § line by line,
grounds noted before deciding with the one-year warning of 29 §, and the recipient's voluntary return. Hand-computed
on a grant of 10 000 € paid on 1 March of last year, with the reference rates of
conftest.reference_rates_of_last_and_this_year."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from avustamo.core.dates import helsinki_today, shift_years
from avustamo.core.models import OutboundEmail
from avustamo.core.money import to_cents
from avustamo.payments import selectors, services
from avustamo.payments.models import (
    RecoveryGrounds,
    ReturnClaim,
    ReturnGround,
    VoluntaryReturn,
    months_before,
)
from avustamo.payments.tasks import RETURN, money_decision_publish
from tests.access import LOGIN, assert_access, sign_in
from tests.documents import pdf_text
from tests.factories import (
    CallAssignmentFactory,
    GrantFactory,
    MembershipFactory,
    UserFactory,
    heard,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rates_of_last_and_this_year")]
D = datetime.date
TODAY = helsinki_today()
LAST_YEAR, THIS_YEAR = TODAY.year - 1, TODAY.year
END_OF_THIS_YEAR = D(THIS_YEAR, 12, 31)  # never in the past: the due date of the claims
# Within the year of 29 §, and the same day as ever for a reader: the latest 1 November up to today.
LEARNED = D(THIS_YEAR if D(THIS_YEAR, 11, 1) <= TODAY else LAST_YEAR, 11, 1)
A_YEAR_AND_A_DAY_AGO = shift_years(TODAY, -1) - datetime.timedelta(days=1)
REASONS = "Loppuselvityksen mukaan avustusta jäi käyttämättä."
# 181 days, 182 in a leap year: the one piece of the interest whose days depend on the year, computed by the
# formula of 24 § (amount x rate x days / 365, to the cent); the other pieces are computed by hand in the tests.
FIRST_HALF_OF_THIS_YEAR = (D(THIS_YEAR, 7, 1) - D(THIS_YEAR, 1, 1)).days


def _first_half_interest(amount: str) -> Decimal:
    """`amount` x (2.5 + 3) % over the first half of this year: 1 000 € gives 27.27 (27.42 in a leap year)."""
    return to_cents(Decimal(amount) * Decimal("5.5") / 100 * FIRST_HALF_OF_THIS_YEAR / 365)


def _finnish(amount: Decimal) -> str:
    """1101.80 as 1 101,80, the way the Finnish decision writes it (before the € sign)."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


@pytest.fixture
def paid_grant():
    """10 000 € paid in one instalment on 1 March of last year."""
    return GrantFactory.paid(paid_on=D(LAST_YEAR, 3, 1), amount="10000.00")


def _manager():
    return UserFactory(roles=["programme_manager"], full_name="Pirjo Päättäjä")


def _claim(grant, amount="1000.00", ground=ReturnGround.NOT_USED_AS_DECIDED, **extra):
    values = {"due_date": END_OF_THIS_YEAR, "learned_on": LEARNED, "reasons": REASONS} | extra
    heard(grant)
    return services.return_claim_create(
        grant=grant, ground=ground, amount=Decimal(amount), acting_user=_manager(), **values
    )


def _pdf(claim) -> str:
    claim.refresh_from_db()
    with claim.document.open("rb") as stored:
        return pdf_text(stored.read())


class TestTheDecisionDocument:
    @pytest.mark.reads_pdf
    def test_the_decision_is_made_stored_and_sent_once_with_the_interest_line_by_line(
        self, paid_grant, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            claim = _claim(paid_grant)
        text = _pdf(claim)
        # 1 000 € x 6.5 % x 122/365 = 21.73; x 5.5 % x 184/365 = 27.73; x 5.5 % x 181/365 = 27.27 (182/365 = 27.42
        # in a leap year); x 5 % x 183/365 = 25.07; in all 101.80 (101.95), and 1 101.80 (1 101.95) to pay by 31.12.
        first_half = _first_half_interest("1000")
        interest = Decimal("21.73") + Decimal("27.73") + first_half + Decimal("25.07")
        paid = f"1.3.{LAST_YEAR} 1 000 €"
        for line in [
            f"{paid} 1.3.{LAST_YEAR} – 30.6.{LAST_YEAR} 122 6,5 % 21,73 €",
            f"{paid} 1.7.{LAST_YEAR} – 31.12.{LAST_YEAR} 184 5,5 % 27,73 €",
            f"{paid} 1.1.{THIS_YEAR} – 30.6.{THIS_YEAR} {FIRST_HALF_OF_THIS_YEAR} 5,5 % {_finnish(first_half)} €",
            f"{paid} 1.7.{THIS_YEAR} – 30.12.{THIS_YEAR} 183 5 % 25,07 €",
            f"{_finnish(interest)} €",
            f"{_finnish(1000 + interest)} €",
            f"31.12.{THIS_YEAR}",
            "FI2112345600000785",
            REASONS,
            "Oikaisuvaatimusohje",
            "Pirjo Päättäjä",
            paid_grant.application.register_number,
        ]:
            assert line in text, line
        assert claim.language == "fi"
        (email,) = mail.outbox
        assert email.to == [paid_grant.application.submitted_by.email]
        register_number = paid_grant.application.register_number.replace("/", "-")
        assert email.attachments[0][0] == f"return-decision-{register_number}-{claim.pk}-fi.pdf"
        assert f"{_finnish(interest)}\xa0€" in email.body
        stored = claim.document.name
        assert money_decision_publish(RETURN, claim.pk) is False
        claim.refresh_from_db()
        assert (
            claim.document.name == stored
            and OutboundEmail.objects.filter(key__startswith="return-decided").count() == 1
        )

    @pytest.mark.reads_pdf
    def test_a_swedish_grant_decision_gets_its_recovery_decision_in_swedish(
        self, paid_grant, django_capture_on_commit_callbacks
    ):
        paid_grant.decision.language = "sv"
        paid_grant.decision.save(update_fields=["language"])
        with django_capture_on_commit_callbacks(execute=True):
            claim = _claim(paid_grant, ground=ReturnGround.OTHER_PURPOSE)
        text = _pdf(claim)
        assert claim.language == "sv" and claim.is_recovery
        # 21.73 + 27.73 + 27.27 (27.42 in a leap year) + 25.07, as in the Finnish decision above.
        interest = Decimal("21.73") + Decimal("27.73") + _first_half_interest("1000") + Decimal("25.07")
        assert "Anvisning om begäran om omprövning" in text and f"{_finnish(interest)} €" in text


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
def claimed(paid_grant, django_capture_on_commit_callbacks):
    CallAssignmentFactory.presenter_of(paid_grant)
    with django_capture_on_commit_callbacks(execute=True):
        return _claim(paid_grant)


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_download_the_decision_as_an_official(client, claimed, role):
    expected = _expected(role, OFFICIAL_READERS, 200)
    assert_access(
        client, ROLES[role](claimed.grant), "GET", f"/official/returns/{claimed.pk}/decision.pdf", expected
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_download_the_decision_as_the_recipient(client, claimed, role):
    path = f"/applications/{claimed.grant.application_id}/returns/{claimed.pk}/decision.pdf"
    assert_access(client, ROLES[role](claimed.grant), "GET", path, _expected(role, {"member"}, 200, 404))


def test_the_download_waits_for_the_document(client, paid_grant):
    claim = _claim(paid_grant)  # the task runs on commit, which this test never reaches
    sign_in(client, paid_grant.application.submitted_by)
    path = f"/applications/{paid_grant.application_id}/returns/{claim.pk}/decision.pdf"
    assert client.get(path).status_code == 404
    page = client.get(f"/en/applications/{paid_grant.application_id}/decision/").content.decode()
    assert "The decision document is being made" in page


def test_the_pages_link_the_decision(client, claimed):
    sign_in(client, claimed.grant.application.submitted_by)
    page = client.get(f"/en/applications/{claimed.grant.application_id}/decision/").content.decode()
    assert f"/returns/{claimed.pk}/decision.pdf" in page and "Download the return decision (PDF)" in page
    sign_in(client, UserFactory(roles=["auditor"]))
    page = client.get(f"/en/official/applications/{claimed.grant.application_id}/decision/").content.decode()
    assert f"/official/returns/{claimed.pk}/decision.pdf" in page


def _note(
    grant,
    learned_on=LEARNED,
    description="Tilintarkastaja havaitsi kuluja muuhun tarkoitukseen.",
    user=None,
):
    return services.recovery_grounds_note(
        grant=grant,
        ground=ReturnGround.OTHER_PURPOSE,
        learned_on=learned_on,
        description=description,
        acting_user=user or _manager(),
    )


class TestGroundsNotedBeforeDeciding:
    def test_a_claim_on_noted_grounds_takes_their_day_and_closes_them(self, paid_grant):
        grounds = _note(paid_grant)
        assert grounds.is_open
        assert (grounds.decide_by, grounds.warn_from) == (
            D(LEARNED.year + 1, 11, 1),
            D(LEARNED.year + 1, 8, 1),
        )
        claim = _claim(paid_grant, ground=ReturnGround.OTHER_PURPOSE, grounds=grounds)
        grounds.refresh_from_db()
        assert grounds.claim == claim and not grounds.is_open

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"learned_on": TODAY + datetime.timedelta(days=1)}, "learned_on"),
            ({"learned_on": A_YEAR_AND_A_DAY_AGO}, "learned_on"),
            ({"description": "  "}, "description"),
        ],
        ids=["future", "a_year_ago", "no_description"],
    )
    def test_grounds_that_cannot_be_noted_are_refused(self, paid_grant, change, field):
        with pytest.raises(ValidationError) as refusal:
            _note(paid_grant, **change)
        assert field in refusal.value.error_dict
        assert not RecoveryGrounds.objects.exists()

    def test_the_future_is_refused_with_its_message(self, paid_grant):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _note(paid_grant, learned_on=TODAY + datetime.timedelta(days=1))
        assert refusal.value.error_dict["learned_on"][0].message == (
            "The day the grounds were learned cannot be in the future."
        )

    def test_closing_without_a_claim_needs_reasons_and_happens_once(self, paid_grant):
        grounds = _note(paid_grant)
        with pytest.raises(ValidationError) as refusal:
            services.recovery_grounds_close(grounds=grounds, reasons=" ", acting_user=_manager())
        assert "reasons" in refusal.value.error_dict
        grounds.refresh_from_db()
        assert grounds.is_open
        services.recovery_grounds_close(
            grounds=grounds, reasons="Kulut olivat sittenkin hyväksyttäviä.", acting_user=_manager()
        )
        with translation.override("en"), pytest.raises(ValidationError) as twice:
            services.recovery_grounds_close(grounds=grounds, reasons="Uudestaan.", acting_user=_manager())
        assert (
            twice.value.code == "already_closed"
            and twice.value.message == "These grounds have already been closed."
        )
        grounds.refresh_from_db()
        assert grounds.no_claim_reasons == "Kulut olivat sittenkin hyväksyttäviä."

    def test_closed_grounds_take_no_claim_and_a_claim_keeps_their_ground_and_day(self, paid_grant):
        grounds = _note(paid_grant)
        with pytest.raises(ValidationError) as differs:
            _claim(
                paid_grant,
                ground=ReturnGround.OTHER_PURPOSE,
                grounds=grounds,
                learned_on=LEARNED - datetime.timedelta(days=1),
            )
        assert differs.value.code == "grounds_differ"
        services.recovery_grounds_close(grounds=grounds, reasons="Ei perintää.", acting_user=_manager())
        with pytest.raises(ValidationError) as closed:
            _claim(paid_grant, ground=ReturnGround.OTHER_PURPOSE, grounds=grounds)
        assert closed.value.code == "grounds_not_open"
        assert not ReturnClaim.objects.exists()

    @pytest.mark.parametrize("role", ["finance_officer", "auditor", "reviewer"])
    def test_only_those_who_decide_claims_note_and_close_grounds(self, paid_grant, role):
        with pytest.raises(PermissionDenied):
            _note(paid_grant, user=UserFactory(roles=[role]))
        grounds = _note(paid_grant)
        with pytest.raises(PermissionDenied):
            services.recovery_grounds_close(
                grounds=grounds, reasons="x", acting_user=UserFactory(roles=[role])
            )
        assert RecoveryGrounds.objects.get().is_open

    def test_the_pages_warn_in_the_last_three_months_of_the_year(self, client, paid_grant):
        learned = months_before(TODAY, 10)
        _note(paid_grant, learned_on=learned)
        decide_by = shift_years(learned, 1)  # learned on 29 February, decided by 28 February
        sign_in(client, _manager())
        page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
        day = f"{decide_by.day} {decide_by:%B %Y}"
        assert f"must be decided by {day} (section 29)" in page and "Less than three months are left." in page
        overview = client.get("/en/official/payments/").content.decode()
        assert (
            "Grounds for recovery awaiting a decision" in overview
            and "Less than three months are left." in overview
        )

    def test_no_warning_before_the_last_three_months(self, client, paid_grant):
        _note(paid_grant, learned_on=months_before(TODAY, 8))
        sign_in(client, _manager())
        page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
        assert "Open: decide by" in page and "Less than three months are left." not in page

    def test_noting_deciding_and_closing_through_the_pages(self, client, paid_grant):
        sign_in(client, _manager())
        application = paid_grant.application_id
        refused = client.post(
            f"/en/official/applications/{application}/recovery-grounds/",
            {
                "grounds-ground": "21_other_purpose",
                "grounds-learned_on": "2099-01-01",
                "grounds-description": "x",
            },
        )
        assert refused.status_code == 400 and "cannot be in the future" in refused.content.decode()
        assert not RecoveryGrounds.objects.exists()
        noted = client.post(
            f"/en/official/applications/{application}/recovery-grounds/",
            {
                "grounds-ground": "21_other_purpose",
                "grounds-learned_on": LEARNED.isoformat(),
                "grounds-description": "Havainto.",
            },
        )
        assert noted.status_code == 302
        grounds = RecoveryGrounds.objects.get()
        decided = client.post(
            f"/en/official/recovery-grounds/{grounds.pk}/claim/",
            {
                f"grounds-{grounds.pk}-amount": "1000",
                f"grounds-{grounds.pk}-due_date": END_OF_THIS_YEAR.isoformat(),
                f"grounds-{grounds.pk}-reasons": REASONS,
                # Decided without a hearing, on a ground of HL 34 § 2 given in the form.
                f"grounds-{grounds.pk}-not_heard_ground": "endangers_purpose",
                f"grounds-{grounds.pk}-not_heard_reasons": "Yhdistys on purkautumassa ja varat jaetaan.",
            },
        )
        assert decided.status_code == 302
        claim = ReturnClaim.objects.get()
        # 21.73 + 27.73 + 27.27 (27.42 in a leap year) + 25.07, as in the decision document's test.
        assert (claim.ground, claim.learned_on, claim.interest) == (
            "21_other_purpose",
            LEARNED,
            Decimal("21.73") + Decimal("27.73") + _first_half_interest("1000") + Decimal("25.07"),
        )
        again = client.post(
            f"/en/official/recovery-grounds/{grounds.pk}/close/", {f"close-{grounds.pk}-reasons": "Ei."}
        )
        assert again.status_code == 400 and "already been closed" in again.content.decode()


GROUNDS_POSTS = [
    (
        "note",
        lambda grant, grounds: (
            f"/official/applications/{grant.application_id}/recovery-grounds/",
            {
                "grounds-ground": "22_discretionary",
                "grounds-learned_on": LEARNED.isoformat(),
                "grounds-description": "x",
            },
        ),
    ),
    (
        "close",
        lambda grant, grounds: (
            f"/official/recovery-grounds/{grounds.pk}/close/",
            {f"close-{grounds.pk}-reasons": "Ei perintää."},
        ),
    ),
    (
        "claim",
        lambda grant, grounds: (
            f"/official/recovery-grounds/{grounds.pk}/claim/",
            {
                f"grounds-{grounds.pk}-amount": "500",
                f"grounds-{grounds.pk}-due_date": END_OF_THIS_YEAR.isoformat(),
                f"grounds-{grounds.pk}-reasons": "x",
            },
        ),
    ),
]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("action", "post"), GROUNDS_POSTS, ids=[action for action, _ in GROUNDS_POSTS])
def test_who_may_note_close_and_decide_on_grounds(client, paid_grant, role, action, post):
    CallAssignmentFactory.presenter_of(paid_grant)
    grounds = _note(paid_grant)
    heard(paid_grant)
    path, data = post(paid_grant, grounds)
    assert_access(client, ROLES[role](paid_grant), "POST", path, _expected(role, DECIDERS, 302), data=data)
    changed = RecoveryGrounds.objects.count() == 2 or not RecoveryGrounds.objects.get(pk=grounds.pk).is_open
    assert changed == (role in DECIDERS)


def _announce(grant, amount="400.00", reasons="Kesäleiri peruttiin, rahaa jäi käyttämättä.", user=None):
    return services.voluntary_return_announce(
        grant=grant,
        amount=Decimal(amount),
        reasons=reasons,
        acting_user=user or grant.application.submitted_by,
    )


class TestVoluntaryReturn:
    @pytest.mark.reads_pdf
    def test_the_recipient_announces_and_an_official_decides_it_on_section_20(
        self, paid_grant, django_capture_on_commit_callbacks
    ):
        announcement = _announce(paid_grant)
        with django_capture_on_commit_callbacks(execute=True):
            claim = services.voluntary_return_record(
                voluntary_return=announcement,
                ground=ReturnGround.NOT_USED_AS_DECIDED,
                due_date=END_OF_THIS_YEAR,
                reasons="",
                acting_user=_manager(),
            )
        announcement.refresh_from_db()
        assert announcement.claim == claim and claim.amount == Decimal("400.00")
        assert claim.learned_on == announcement.announced_on and claim.reasons == announcement.reasons
        # 400 € x 6.5 % x 122/365 = 8.69; x 5.5 % x 184/365 = 11.09; x 5.5 % x 181/365 = 10.91 (182/365 = 10.97 in a
        # leap year); x 5 % x 183/365 = 10.03; in all 40.72 (40.78).
        interest = Decimal("8.69") + Decimal("11.09") + _first_half_interest("400") + Decimal("10.03")
        assert claim.interest == interest
        text = _pdf(claim)
        assert (
            "8,69 €" in text and f"{_finnish(interest)} €" in text and f"{_finnish(400 + interest)} €" in text
        )

    @pytest.mark.parametrize(
        ("change", "field"),
        [({"amount": "10000.01"}, "amount"), ({"reasons": " "}, "reasons")],
        ids=["more_than_paid", "no_reasons"],
    )
    def test_what_cannot_be_announced_is_refused(self, paid_grant, change, field):
        with pytest.raises(ValidationError) as refusal:
            _announce(paid_grant, **change)
        assert field in refusal.value.error_dict
        assert not VoluntaryReturn.objects.exists()

    def test_a_return_of_100_euros_or_less_is_taken_at_the_recipients_word(self, paid_grant):
        """20 §'s 100 € rule spares the authority from reclaiming so little; it does not bar a recipient who returns
        it of their own will."""
        announcement = _announce(paid_grant, amount="60.00")
        claim = services.voluntary_return_record(
            voluntary_return=announcement,
            ground=ReturnGround.NOT_USED_AS_DECIDED,
            due_date=END_OF_THIS_YEAR,
            reasons="",
            acting_user=_manager(),
        )
        assert claim.amount == Decimal("60.00") and claim.interest > 0
        assert selectors.ledger_of(paid_grant).owed == Decimal("-60.00")
        with pytest.raises(ValidationError) as refusal:
            _claim(paid_grant, amount="60.00")
        assert "amount" in refusal.value.error_dict and ReturnClaim.objects.count() == 1

    def test_an_announcement_counts_against_what_is_left_to_announce(self, paid_grant):
        _announce(paid_grant, amount="9000.00")
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _announce(paid_grant, amount="1000.01")
        assert (
            refusal.value.error_dict["amount"][0].message
            == "At most €1,000 of what was paid is left to return."
        )

    def test_an_announcement_is_decided_once_and_on_section_20(self, paid_grant):
        announcement = _announce(paid_grant)
        with pytest.raises(ValidationError) as wrong_ground:
            services.voluntary_return_record(
                voluntary_return=announcement,
                ground=ReturnGround.OTHER_PURPOSE,
                due_date=END_OF_THIS_YEAR,
                reasons="",
                acting_user=_manager(),
            )
        assert "ground" in wrong_ground.value.error_dict and not ReturnClaim.objects.exists()
        services.voluntary_return_record(
            voluntary_return=announcement,
            ground=ReturnGround.IN_ERROR,
            due_date=END_OF_THIS_YEAR,
            reasons="",
            acting_user=_manager(),
        )
        with pytest.raises(ValidationError) as twice:
            services.voluntary_return_record(
                voluntary_return=announcement,
                ground=ReturnGround.IN_ERROR,
                due_date=END_OF_THIS_YEAR,
                reasons="",
                acting_user=_manager(),
            )
        assert twice.value.code == "already_recorded" and ReturnClaim.objects.count() == 1

    def test_both_sides_see_the_announcement(self, client, paid_grant):
        member = paid_grant.application.submitted_by
        sign_in(client, member)
        application = paid_grant.application_id
        page = client.get(f"/en/applications/{application}/decision/").content.decode()
        assert "Announce the return" in page and "Up to €10,000 can be returned." in page
        refused = client.post(
            f"/en/applications/{application}/decision/voluntary-return/",
            {"voluntary-amount": "50", "voluntary-reasons": " "},
        )
        assert refused.status_code == 400 and not VoluntaryReturn.objects.exists()
        announced = client.post(
            f"/en/applications/{application}/decision/voluntary-return/",
            {"voluntary-amount": "400", "voluntary-reasons": "Leiri peruttiin."},
        )
        assert announced.status_code == 302
        page = client.get(f"/en/applications/{application}/decision/").content.decode()
        assert "that you return €400" in page
        sign_in(client, _manager())
        page = client.get(f"/en/official/applications/{application}/decision/").content.decode()
        assert "Voluntary returns announced by the recipient" in page and "Leiri peruttiin." in page


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_announce_a_voluntary_return(client, paid_grant, role):
    path = f"/applications/{paid_grant.application_id}/decision/voluntary-return/"
    data = {"voluntary-amount": "400", "voluntary-reasons": "Leiri peruttiin."}
    assert_access(
        client, ROLES[role](paid_grant), "POST", path, _expected(role, {"member"}, 302, 404), data=data
    )
    assert VoluntaryReturn.objects.exists() == (role == "member")


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_decide_an_announced_return(client, paid_grant, role):
    CallAssignmentFactory.presenter_of(paid_grant)
    announcement = _announce(paid_grant)
    path = f"/official/voluntary-returns/{announcement.pk}/record/"
    data = {
        f"voluntary-{announcement.pk}-ground": "20_not_used",
        f"voluntary-{announcement.pk}-due_date": END_OF_THIS_YEAR.isoformat(),
    }
    assert_access(client, ROLES[role](paid_grant), "POST", path, _expected(role, DECIDERS, 302), data=data)
    assert ReturnClaim.objects.exists() == (role in DECIDERS)


def test_a_claim_on_grounds_whose_year_has_passed_is_refused_on_the_page(client, paid_grant):
    grounds = _note(paid_grant)
    RecoveryGrounds.objects.filter(pk=grounds.pk).update(learned_on=TODAY - datetime.timedelta(days=400))
    sign_in(client, _manager())
    response = client.post(
        f"/en/official/recovery-grounds/{grounds.pk}/claim/",
        {
            f"grounds-{grounds.pk}-amount": "1000",
            f"grounds-{grounds.pk}-due_date": END_OF_THIS_YEAR.isoformat(),
            f"grounds-{grounds.pk}-reasons": "Käytetty muuhun tarkoitukseen.",
        },
    )
    assert response.status_code == 400
    assert "year" in response.content.decode()
    assert not ReturnClaim.objects.exists()
