"""Change requests (issue 6, section 4): the recipient asks to extend the period of use, to move money between
cost categories or to change the content; the presenter decides each part; the change decision is a PDF like the
original, and the terms in force change only through it while the decision itself stays as it was signed."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create
from avustamo.core.dates import helsinki_today
from avustamo.core.models import AuditEntry
from avustamo.decisions import selectors
from avustamo.decisions.models import Decision
from avustamo.grants import selectors as grant_selectors
from avustamo.grants import services as grant_services
from avustamo.grants.models import ChangeOutcome, ChangePart, ChangeRequest, ChangeRequestStatus
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import (
    CallAssignmentFactory,
    CallFactory,
    ChangeRequestFactory,
    DecisionFactory,
    GrantFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = helsinki_today()
# The period of use is the whole of next year, so that an extension may always still be asked (30 days before
# the end) and every extension below ends in the year after it.
NEXT_YEAR = TODAY.year + 1
PERIOD = (D(NEXT_YEAR, 1, 1), D(NEXT_YEAR, 12, 31))
# The presenter's shorter extension: to the end of February, the 29th in a leap year.
END_OF_FEBRUARY = D(NEXT_YEAR + 1, 3, 1) - datetime.timedelta(days=1)
# The budget applied for, as ApplicationFactory.submitted answers the form (complete_answers, 50 000 € applied
# for): personnel 60 000 €, rents 5 000 €, 65 000 € in all.
APPLIED = {"personnel": Decimal("60000.00"), "rents": Decimal("5000.00")}
MOVED = {"personnel": "55000.00", "rents": "5000.00", "travel": "5000.00"}


@pytest.fixture
def grant():
    return GrantFactory.accepted(period=PERIOD)


def _request(grant, user=None, **asked):
    asked = asked or {"period_end": D(NEXT_YEAR + 1, 3, 31), "extension_reasons": "Kevään ryhmät jatkuvat."}
    return grant_services.change_request_submit(
        grant=grant, acting_user=user or grant.application.submitted_by, **asked
    )


ALL_PARTS = {
    "period_end": D(NEXT_YEAR + 1, 3, 31),
    "extension_reasons": "Kevään ryhmät jatkuvat.",
    "costs": MOVED,
    "budget_reasons": "Ohjaajat matkustavat ryhmiin.",
    "content": "Ryhmiä pidetään myös Vantaalla.",
    "content_reasons": "Vantaalta tuli kysyntää.",
}


def _decide(part, outcome=ChangeOutcome.ACCEPTED, user=None, **decided):
    return grant_services.change_part_decide(
        part=part,
        outcome=outcome,
        acting_user=user or CallAssignmentFactory.presenter_of(part.request.grant),
        **decided,
    )


def _refused(call, field=None, code=None) -> ValidationError:
    with pytest.raises(ValidationError) as refusal:
        call()
    if field is not None:
        assert field in refusal.value.error_dict, refusal.value
    if code is not None:
        assert refusal.value.code == code
    return refusal.value


class TestAsking:
    def test_a_member_asks_for_every_kind_of_change_at_once(self, grant):
        change_request = _request(grant, **ALL_PARTS)
        assert change_request.status == ChangeRequestStatus.OPEN and change_request.submitted_on == TODAY
        kinds = {part.kind: part for part in change_request.parts.all()}
        assert kinds["extension"].asked_period_end == D(NEXT_YEAR + 1, 3, 31)
        assert kinds["budget"].asked_budget == {
            "personnel": "55000.00",
            "purchased_services": "0.00",
            "rents": "5000.00",
            "travel": "5000.00",
            "equipment": "0.00",
            "other": "0.00",
        }
        assert kinds["content"].asked_content == "Ryhmiä pidetään myös Vantaalla."
        entry = AuditEntry.objects.get(action="change_request.submitted")
        assert entry.details["parts"] == ["extension", "budget", "content"]
        # Asking changes nothing in force.
        assert grant_selectors.period_in_force(grant) == PERIOD

    def test_an_extension_is_refused_later_than_the_calls_days_before_the_end(self):
        grant = GrantFactory.accepted(period=(D(TODAY.year - 1, 1, 1), TODAY + datetime.timedelta(days=29)))
        deadline = TODAY - datetime.timedelta(days=1)
        with translation.override("en"):
            refusal = _refused(
                lambda: _request(grant, period_end=D(NEXT_YEAR, 6, 30), extension_reasons="Viivästys."),
                field="period_end",
            )
        assert refusal.message_dict["period_end"] == [
            "An extension is asked at least 30 days before the period of use ends: the last day to ask was "
            f"{deadline:%m/%d/%Y}."
        ]
        assert not ChangeRequest.objects.exists()

    def test_the_number_of_days_is_the_calls(self):
        call = CallFactory(closed=True, extension_notice_days=10)
        grant = GrantFactory.accepted(
            period=(D(TODAY.year - 1, 1, 1), TODAY + datetime.timedelta(days=10)), call=call
        )
        assert _request(grant, period_end=D(NEXT_YEAR, 6, 30), extension_reasons="Viivästys.").is_open

    def test_an_extension_must_end_later(self, grant):
        with translation.override("en"):
            refusal = _refused(
                lambda: _request(grant, period_end=D(NEXT_YEAR, 12, 31), extension_reasons="Ei muutosta."),
                field="period_end",
            )
        assert refusal.message_dict["period_end"] == [
            f"The new end must be later than the end of the period of use in force, 12/31/{NEXT_YEAR}."
        ]

    @pytest.mark.parametrize(
        ("costs", "message"),
        [
            (
                {"personnel": "60000.00", "travel": "1000.00"},
                "Money is moved between cost categories: the total must stay €65,000, not €66,000.",
            ),
            (
                {"personnel": "70000.00", "rents": "-5000.00"},
                "No cost category can be negative.",
            ),
            (
                {"personnel": "60000.00"},
                "These are the amounts in force already: move money between the categories.",
            ),
            ({"catering": "1.00"}, "Unknown cost categories: catering."),
        ],
        ids=["totals_differ", "negative", "nothing_moves", "unknown"],
    )
    def test_money_is_only_moved_between_categories(self, grant, costs, message):
        with translation.override("en"):
            refusal = _refused(lambda: _request(grant, costs=costs, budget_reasons="Syy."), field="costs")
        assert refusal.message_dict["costs"] == [message]
        assert not ChangeRequest.objects.exists() and not ChangePart.objects.exists()

    def test_every_part_needs_its_reasons(self, grant):
        with translation.override("en"):
            refusal = _refused(
                lambda: _request(grant, **(ALL_PARTS | {"extension_reasons": " ", "content_reasons": ""}))
            )
        assert refusal.message_dict == {
            "extension_reasons": ["Give the reasons for the change."],
            "content_reasons": ["Give the reasons for the change."],
        }
        assert not ChangeRequest.objects.exists()

    def test_something_must_be_asked(self, grant):
        _refused(lambda: _request(grant, content="  "), code="nothing_asked")

    def test_one_request_waits_at_a_time(self, grant):
        ChangeRequestFactory.open(grant=grant)
        with translation.override("en"):
            refusal = _refused(
                lambda: _request(grant, content="Uusi.", content_reasons="Syy."), code="already_open"
            )
        assert refusal.messages == [
            "A change request of this grant is waiting for a decision: a new one can be made after it."
        ]
        assert ChangeRequest.objects.count() == 1

    @pytest.mark.parametrize("who", ["other_organisation", "presenter", "manager"])
    def test_only_the_recipients_members_may_ask(self, grant, who):
        person = {
            "other_organisation": lambda: MembershipFactory().person,
            "presenter": lambda: CallAssignmentFactory.presenter_of(grant),
            "manager": lambda: UserFactory(roles=["programme_manager"]),
        }[who]()
        with pytest.raises(PermissionDenied):
            _request(grant, user=person)
        assert not ChangeRequest.objects.exists()

    def test_a_declined_grant_cannot_be_changed(self):
        grant = GrantFactory.declined(period=PERIOD, reason="Hanke ei toteudu.")
        with translation.override("en"):
            refusal = _refused(lambda: _request(grant), code="grant_not_in_force")
        assert refusal.messages == ["The grant has been declined: its terms can no longer be changed."]
        assert not ChangeRequest.objects.exists()

    def test_terms_not_yet_accepted_cannot_be_changed_where_the_call_asks_for_acceptance(self):
        grant = GrantFactory.awaiting_acceptance(period=PERIOD)
        _refused(lambda: _request(grant), code="not_accepted")
        assert _request(
            GrantFactory.awaiting_acceptance(
                period=PERIOD, call=CallFactory(closed=True, requires_acceptance=False)
            )
        ).is_open


class TestDeciding:
    def test_accepted_parts_change_the_terms_in_force_and_the_decision_stays(
        self, grant, django_capture_on_commit_callbacks
    ):
        change_request = ChangeRequestFactory.open(grant=grant, **ALL_PARTS)
        presenter = CallAssignmentFactory.presenter_of(grant)
        extension, budget, content = change_request.parts.order_by("pk")
        _decide(extension, user=presenter)
        _decide(budget, user=presenter)
        assert ChangeRequest.objects.get().is_open  # one part still waits
        assert (
            grant_selectors.period_in_force(grant) == PERIOD
        )  # nothing is in force before the change decision
        with django_capture_on_commit_callbacks(execute=True):
            _decide(content, user=presenter)
        change_request.refresh_from_db()
        assert change_request.status == ChangeRequestStatus.DECIDED
        assert (change_request.decided_by, change_request.decision_date) == (presenter, TODAY)
        assert grant_selectors.period_in_force(grant) == (D(NEXT_YEAR, 1, 1), D(NEXT_YEAR + 1, 3, 31))
        budget_now = grant_selectors.approved_budget(grant)
        assert budget_now.costs["travel"] == Decimal("5000.00") and budget_now.costs["personnel"] == Decimal(
            "55000.00"
        )
        assert budget_now.total_eligible_costs == Decimal("65000.00")
        assert [part.decided_content for part in grant_selectors.content_changes_in_force(grant)] == [
            "Ryhmiä pidetään myös Vantaalla."
        ]
        decision = Decision.objects.get(pk=grant.decision_id)
        assert decision.period_end == D(NEXT_YEAR, 12, 31)  # the signed decision is never changed
        assert AuditEntry.objects.filter(action="change_request.part_decided").count() == 3
        assert AuditEntry.objects.filter(action="change_request.decided").exists()
        assert AuditEntry.objects.filter(action="change_request.document_made").exists()
        [email] = mail.outbox
        assert email.to == [grant.application.submitted_by.email]
        assert grant.application.register_number in email.subject
        [(name, content_bytes, mimetype)] = email.attachments
        assert name.endswith(".pdf") and content_bytes.startswith(b"%PDF") and mimetype == "application/pdf"

    def test_accepted_with_changes_puts_the_presenters_figures_in_force(self, grant):
        change_request = ChangeRequestFactory.open(grant=grant, **ALL_PARTS)
        extension, budget, content = change_request.parts.order_by("pk")
        _decide(
            extension,
            ChangeOutcome.ACCEPTED_WITH_CHANGES,
            period_end=D(NEXT_YEAR + 1, 1, 31),
            reasons="Kuukausi riittää.",
        )
        _decide(
            budget,
            ChangeOutcome.ACCEPTED_WITH_CHANGES,
            costs={"personnel": "57000.00", "travel": "3000.00"},
            reasons="Matkoja vähemmän.",
        )
        _decide(
            content,
            ChangeOutcome.ACCEPTED_WITH_CHANGES,
            content="Ryhmiä myös Vantaalla keväällä.",
            reasons="Rajattu.",
        )
        assert grant_selectors.period_in_force(grant) == (D(NEXT_YEAR, 1, 1), D(NEXT_YEAR + 1, 1, 31))
        costs = grant_selectors.approved_budget(grant).costs
        assert (costs["personnel"], costs["travel"], costs["rents"]) == (
            Decimal("57000.00"),
            Decimal("3000.00"),
            Decimal("5000.00"),
        )
        assert [part.decided_content for part in grant_selectors.content_changes_in_force(grant)] == [
            "Ryhmiä myös Vantaalla keväällä."
        ]

    def test_rejected_parts_change_nothing(self, grant):
        change_request = ChangeRequestFactory.open(grant=grant, **ALL_PARTS)
        for part in change_request.parts.all():
            _decide(part, ChangeOutcome.REJECTED, reasons="Ei perusteita.")
        assert ChangeRequest.objects.get().status == ChangeRequestStatus.DECIDED
        assert grant_selectors.period_in_force(grant) == PERIOD
        assert (
            grant_selectors.approved_budget(grant).costs == selectors.applied_budget(grant.application).costs
        )
        assert grant_selectors.content_changes_in_force(grant) == []

    def test_change_decisions_apply_in_order(self, grant):
        for end in (D(NEXT_YEAR + 1, 3, 31), D(NEXT_YEAR + 1, 6, 30)):
            [part] = ChangeRequestFactory.open(
                grant=grant, period_end=end, extension_reasons="Lisäaikaa."
            ).parts.all()
            _decide(part)
        assert grant_selectors.period_in_force(grant) == (D(NEXT_YEAR, 1, 1), D(NEXT_YEAR + 1, 6, 30))

    @pytest.mark.parametrize(
        ("decided", "field", "message"),
        [
            (
                {"period_end": D(NEXT_YEAR, 11, 30), "reasons": "Lyhyempi."},
                "period_end",
                f"The new end must be later than the end of the period of use in force, 12/31/{NEXT_YEAR}.",
            ),
            ({"period_end": D(NEXT_YEAR + 1, 1, 31)}, "reasons", "Give the reasons for the decision."),
        ],
        ids=["not_later", "no_reasons"],
    )
    def test_the_presenters_own_figures_are_held_to_the_same_rules(self, grant, decided, field, message):
        [part] = ChangeRequestFactory.open(grant=grant).parts.all()
        with translation.override("en"):
            refusal = _refused(
                lambda: _decide(part, ChangeOutcome.ACCEPTED_WITH_CHANGES, **decided), field=field
            )
        assert refusal.message_dict[field] == [message]
        assert not ChangePart.objects.get().is_decided and ChangeRequest.objects.get().is_open

    def test_the_presenters_budget_keeps_the_total(self, grant):
        [part] = ChangeRequestFactory.open(grant=grant, costs=MOVED, budget_reasons="Matkat.").parts.all()
        with translation.override("en"):
            refusal = _refused(
                lambda: _decide(
                    part, ChangeOutcome.ACCEPTED_WITH_CHANGES, costs={"travel": "9000.00"}, reasons="Syy."
                ),
                field="costs",
            )
        assert "the total must stay €65,000" in refusal.message_dict["costs"][0]
        assert not ChangePart.objects.get().is_decided

    def test_a_rejection_needs_reasons(self, grant):
        [part] = ChangeRequestFactory.open(grant=grant).parts.all()
        _refused(lambda: _decide(part, ChangeOutcome.REJECTED), field="reasons")
        assert not ChangePart.objects.get().is_decided

    def test_a_part_is_decided_once(self, grant):
        [part] = ChangeRequestFactory.open(grant=grant).parts.all()
        presenter = CallAssignmentFactory.presenter_of(grant)
        _decide(part, user=presenter)
        with translation.override("en"):
            refusal = _refused(
                lambda: _decide(part, ChangeOutcome.REJECTED, user=presenter, reasons="Toisin."),
                code="already_decided",
            )
        assert refusal.messages == ["This part has already been decided."]
        assert ChangePart.objects.get().outcome == ChangeOutcome.ACCEPTED

    @pytest.mark.parametrize("who", ["unassigned_presenter", "manager", "finance", "member"])
    def test_only_the_presenter_decides(self, grant, who):
        [part] = ChangeRequestFactory.open(grant=grant).parts.all()
        person = {
            "unassigned_presenter": lambda: UserFactory(roles=["presenter"]),
            "manager": lambda: UserFactory(roles=["programme_manager"]),
            "finance": lambda: UserFactory(roles=["finance_officer"]),
            "member": lambda: grant.application.submitted_by,
        }[who]()
        with pytest.raises(PermissionDenied):
            _decide(part, user=person)
        assert not ChangePart.objects.get().is_decided

    def test_a_request_on_a_grant_declined_since_can_only_be_rejected(self):
        grant = GrantFactory.awaiting_acceptance(
            period=PERIOD, call=CallFactory(closed=True, requires_acceptance=False)
        )
        [part] = ChangeRequestFactory.open(grant=grant).parts.all()
        grant_services.grant_decline(
            grant=grant, reason="Hanke päättyi.", acting_user=grant.application.submitted_by
        )
        presenter = CallAssignmentFactory.presenter_of(grant)
        _refused(lambda: _decide(part, user=presenter), code="grant_not_in_force")
        assert not ChangePart.objects.get().is_decided
        _decide(part, ChangeOutcome.REJECTED, user=presenter, reasons="Avustuksesta on luovuttu.")
        assert ChangeRequest.objects.get().status == ChangeRequestStatus.DECIDED

    def test_a_correcting_decision_restates_the_terms(self, grant):
        [part] = ChangeRequestFactory.open(grant=grant).parts.all()
        _decide(part)
        assert grant_selectors.period_in_force(grant)[1] == D(NEXT_YEAR + 1, 3, 31)
        correction = DecisionFactory.published(
            corrects=grant.decision,
            application=grant.application,
            period=(D(NEXT_YEAR, 1, 1), D(NEXT_YEAR, 10, 31)),
        )
        grant.refresh_from_db()
        assert grant.decision == correction
        assert grant_selectors.period_in_force(grant) == (D(NEXT_YEAR, 1, 1), D(NEXT_YEAR, 10, 31))

    def test_a_new_request_may_follow_a_decided_one(self, grant):
        [part] = ChangeRequestFactory.open(grant=grant).parts.all()
        _decide(part, ChangeOutcome.REJECTED, reasons="Ei perusteita.")
        assert _request(grant, content="Uusi kohderyhmä.", content_reasons="Tarve.").is_open


def _decided(grant, django_capture_on_commit_callbacks):
    """A change request decided in full, its document made by the task worker."""
    with django_capture_on_commit_callbacks(execute=True):
        change_request = ChangeRequestFactory.decided(grant=grant)
    change_request.refresh_from_db()
    return change_request


class TestPages:
    def test_the_recipient_asks_and_the_presenter_decides_through_the_pages(
        self, client, grant, django_capture_on_commit_callbacks
    ):
        member = grant.application.submitted_by
        sign_in(client, member)
        decision_page = f"/en/applications/{grant.application_id}/decision/"
        page = client.get(decision_page).content.decode()
        assert "Terms in force" in page and "Make a change request" in page
        url = f"/en/applications/{grant.application_id}/decision/change-request/"
        form = client.get(url).content.decode()
        assert (
            'value="60,000.00"' in form
            and f"An extension is asked by 1 December {NEXT_YEAR} at the latest." in form
        )
        costs = {f"cost_{category}": amount for category, amount in MOVED.items()}
        refused = client.post(url, costs | {"cost_travel": "6000", "budget_reasons": "Matkat."})
        assert refused.status_code == 400
        assert "the total must stay €65,000, not €66,000." in refused.content.decode()
        assert not ChangeRequest.objects.exists()
        sent = client.post(
            url,
            costs
            | {
                "budget_reasons": "Matkat.",
                "period_end": f"{NEXT_YEAR + 1}-03-31",
                "extension_reasons": "Ryhmät jatkuvat.",
            },
        )
        assert sent.status_code == 302
        change_request = ChangeRequest.objects.get()
        assert {part.kind for part in change_request.parts.all()} == {"extension", "budget"}
        assert "waits for the presenter" in client.get(decision_page).content.decode()

        sign_in(client, CallAssignmentFactory.presenter_of(grant))
        official = client.get(f"/en/official/applications/{grant.application_id}/decision/").content.decode()
        assert "Decide the change request" in official
        detail = f"/en/official/change-requests/{change_request.pk}/"
        extension, budget = change_request.parts.order_by("pk")
        bad = client.post(detail, {"part": extension.pk, f"part-{extension.pk}-outcome": "rejected"})
        assert bad.status_code == 400 and "Give the reasons for the decision." in bad.content.decode()
        assert (
            client.post(
                detail,
                {
                    "part": extension.pk,
                    f"part-{extension.pk}-outcome": "accepted_with_changes",
                    f"part-{extension.pk}-period_end": END_OF_FEBRUARY.isoformat(),
                    f"part-{extension.pk}-reasons": "Helmikuu riittää.",
                },
            ).status_code
            == 302
        )
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(
                detail,
                {"part": budget.pk, f"part-{budget.pk}-outcome": "accepted"}
                | {f"part-{budget.pk}-cost_{category}": amount for category, amount in MOVED.items()},
            )
        assert done.status_code == 302
        assert grant_selectors.period_in_force(grant)[1] == END_OF_FEBRUARY
        assert grant_selectors.approved_budget(grant).costs["travel"] == Decimal("5000.00")

        sign_in(client, member)
        page = client.get(decision_page).content.decode()
        assert f"1 January {NEXT_YEAR} – {END_OF_FEBRUARY.day} February {NEXT_YEAR + 1}" in page
        assert f"/applications/{grant.application_id}/change-decisions/{change_request.pk}.pdf" in page
        pdf = client.get(f"/applications/{grant.application_id}/change-decisions/{change_request.pk}.pdf")
        assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")

    @pytest.mark.reads_pdf
    def test_the_change_decision_document_says_what_was_decided(
        self, grant, django_capture_on_commit_callbacks
    ):
        import io

        from pypdf import PdfReader

        change_request = _decided(grant, django_capture_on_commit_callbacks)
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(change_request.document.read())).pages
        )
        assert grant.application.register_number in text
        assert f"31.3.{NEXT_YEAR + 1}" in text or f"31.03.{NEXT_YEAR + 1}" in text


ROLES = {
    "anonymous": lambda grant: AnonymousUser(),
    "member": lambda grant: grant.application.submitted_by,
    "other_organisation": lambda grant: MembershipFactory().person,
    "presenter": CallAssignmentFactory.presenter_of,
    "unassigned_presenter": lambda grant: UserFactory(roles=["presenter"]),
    "manager": lambda grant: UserFactory(roles=["programme_manager"]),
    "finance": lambda grant: UserFactory(roles=["finance_officer"]),
    "auditor": lambda grant: UserFactory(roles=["auditor"]),
    "reviewer": lambda grant: UserFactory(roles=["reviewer"]),
    "decision_maker": lambda grant: UserFactory(roles=["decision_maker"]),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_download_the_change_decision(client, grant, role, django_capture_on_commit_callbacks):
    change_request = _decided(grant, django_capture_on_commit_callbacks)
    user = ROLES[role](grant)
    own = {"anonymous": LOGIN, "member": 200}.get(role, 404)
    assert_access(
        client,
        user,
        "GET",
        f"/applications/{grant.application_id}/change-decisions/{change_request.pk}.pdf",
        own,
    )
    client.logout()
    official = {
        "anonymous": LOGIN,
        "member": 403,
        "other_organisation": 403,
        "unassigned_presenter": 403,
        "reviewer": 403,
    }.get(role, 200)
    assert_access(
        client, user, "GET", f"/official/change-requests/{change_request.pk}/decision.pdf", official
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_who_may_ask_and_who_may_decide_through_the_pages(client, grant, role):
    user = ROLES[role](grant)
    asked = {"anonymous": LOGIN, "member": 302}.get(role, 404)
    assert_access(
        client,
        user,
        "POST",
        f"/applications/{grant.application_id}/decision/change-request/",
        asked,
        data={"content": "Uusi sisältö.", "content_reasons": "Tarve."},
    )
    assert ChangeRequest.objects.exists() == (role == "member")
    client.logout()
    change_request = ChangeRequest.objects.first() or ChangeRequestFactory.open(grant=grant)
    [part] = change_request.parts.all()
    decided = {
        "anonymous": LOGIN,
        "presenter": 302,
        "member": 403,
        "other_organisation": 403,
        "unassigned_presenter": 403,
        "reviewer": 403,
    }.get(role, 403)
    assert_access(
        client,
        user,
        "POST",
        f"/official/change-requests/{change_request.pk}/",
        decided,
        data={"part": part.pk, f"part-{part.pk}-outcome": "accepted"},
    )
    assert ChangePart.objects.get().is_decided == (role == "presenter")


class TestApi:
    def _headers(self, user):
        _token, token = api_token_create(name="talous", scope=ApiToken.Scope.READ_WRITE, acting_user=user)
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def test_a_member_asks_and_reads_the_change_decision(
        self, client, grant, django_capture_on_commit_callbacks
    ):
        headers = self._headers(grant.application.submitted_by)
        url = f"/api/v1/applications/{grant.application_id}/grant/change-requests"
        body = {
            "extension": {"period_end": f"{NEXT_YEAR + 1}-03-31", "reasons": "Ryhmät jatkuvat."},
            "budget": {"costs": {"personnel": "55000.00", "travel": "5000.00"}, "reasons": "Matkat."},
        }
        refused = client.post(
            url,
            body | {"budget": {"costs": {"travel": "5000.00"}, "reasons": "Matkat."}},
            content_type="application/json",
            **headers,
        )
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "costs"
        created = client.post(url, body, content_type="application/json", **headers)
        assert created.status_code == 201, created.json()
        assert created.json()["status"] == "open"
        assert [part["kind"] for part in created.json()["parts"]] == ["extension", "budget"]
        again = client.post(url, body, content_type="application/json", **headers)
        assert again.status_code == 409
        presenter = CallAssignmentFactory.presenter_of(grant)
        with django_capture_on_commit_callbacks(execute=True):
            for part in ChangeRequest.objects.get().parts.all():
                _decide(part, user=presenter)
        [listed] = client.get(url, **headers).json()
        assert listed["status"] == "decided" and listed["decision_date"] == TODAY.isoformat()
        assert listed["parts"][0]["decided_period_end"] == f"{NEXT_YEAR + 1}-03-31"
        assert listed["document_url"].endswith(f"/change-decisions/{listed['id']}.pdf")

    def test_another_organisation_finds_nothing(self, client, grant):
        headers = self._headers(MembershipFactory().person)
        url = f"/api/v1/applications/{grant.application_id}/grant/change-requests"
        assert client.get(url, **headers).status_code == 404
        body = {"content": {"text": "Uusi.", "reasons": "Syy."}}
        assert client.post(url, body, content_type="application/json", **headers).status_code == 404
        assert not ChangeRequest.objects.exists()
