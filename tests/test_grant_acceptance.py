"""Acceptance (issue 6, section 1): the recipient accepts the decision's terms or declines the grant, in the service
or through the API; declining frees the money and tells the presenter; nothing may be paid before acceptance where
the call asks for it."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create
from avustamo.core.models import AuditEntry
from avustamo.decisions.models import FundingProposal, Outcome
from avustamo.grants import services as grant_services
from avustamo.grants.models import Grant, GrantStatus
from avustamo.portal.selectors import call_totals
from tests.access import LOGIN, assert_access, sign_in
from tests.factories import CallFactory, DecisionFactory, GrantFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestOpening:
    def test_publishing_a_positive_decision_opens_its_grant_awaiting_acceptance(self):
        decision = DecisionFactory.published()
        grant = Grant.objects.get(application=decision.application)
        assert grant.decision == decision and grant.status == GrantStatus.AWAITING_ACCEPTANCE
        assert not grant.may_be_paid
        assert AuditEntry.objects.filter(action="grant.opened", target_id=str(grant.pk)).exists()

    def test_a_rejection_opens_no_grant(self):
        decision = DecisionFactory.published(outcome=Outcome.REJECTED)
        assert not Grant.objects.filter(application=decision.application).exists()

    def test_a_call_without_acceptance_may_pay_at_once(self):
        decision = DecisionFactory.published(call=CallFactory(closed=True, requires_acceptance=False))
        assert decision.grant.may_be_paid

    def test_a_correction_moves_the_grant_and_asks_for_acceptance_again(self):
        original = GrantFactory.accepted().decision
        correction = DecisionFactory.published(
            corrects=original, application=original.application, amount="10000.00"
        )
        grant = Grant.objects.get(application=original.application)
        assert grant.decision == correction and grant.status == GrantStatus.AWAITING_ACCEPTANCE
        assert grant.answered_at is None

    def test_a_negative_correction_closes_the_grant(self):
        original = DecisionFactory.published()
        correction = DecisionFactory.published(
            corrects=original, application=original.application, outcome=Outcome.REJECTED
        )
        grant = Grant.objects.get(application=original.application)
        assert grant.status == GrantStatus.CLOSED and grant.decision == correction and not grant.may_be_paid
        assert not grant.instalments.exclude(status="cancelled").exists()
        assert AuditEntry.objects.filter(action="grant.closed_by_correction").exists()


class TestAnswering:
    def test_a_member_accepts_and_payment_becomes_possible(self):
        decision = DecisionFactory.published()
        member = decision.application.submitted_by
        grant = grant_services.grant_accept(grant=decision.grant, acting_user=member)
        assert grant.status == GrantStatus.ACCEPTED and grant.answered_by == member and grant.may_be_paid
        assert AuditEntry.objects.filter(action="grant.accepted", actor=member).exists()

    def test_declining_frees_the_money_and_tells_the_presenter(self, django_capture_on_commit_callbacks):
        call = CallFactory(closed=True, appropriation=Decimal("50000.00"))
        decision = DecisionFactory.published(call=call, amount="12000.00")
        FundingProposal.objects.create(
            application=decision.application, amount=Decimal("12000.00"), proposed_by=decision.presenter
        )
        assert call_totals(call).left == Decimal("38000.00")
        with django_capture_on_commit_callbacks(execute=True):
            grant = grant_services.grant_decline(
                grant=decision.grant,
                reason="Hanke ei toteudu.",
                acting_user=decision.application.submitted_by,
            )
        assert grant.status == GrantStatus.DECLINED and not grant.may_be_paid
        assert call_totals(call).left == Decimal("50000.00")
        [email] = mail.outbox
        assert email.to == [decision.presenter.email]
        assert "Hanke ei toteudu." in email.body and decision.application.register_number in email.subject

    def test_a_decline_needs_a_reason_and_changes_nothing_without_one(self):
        decision = DecisionFactory.published()
        with pytest.raises(ValidationError) as refusal:
            grant_services.grant_decline(
                grant=decision.grant, reason="   ", acting_user=decision.application.submitted_by
            )
        assert "reason" in refusal.value.error_dict
        decision.grant.refresh_from_db()
        assert decision.grant.status == GrantStatus.AWAITING_ACCEPTANCE and not mail.outbox

    def test_an_answer_is_given_once(self):
        grant = GrantFactory.accepted()
        with pytest.raises(ValidationError) as refusal:
            grant_services.grant_decline(
                grant=grant, reason="Muutimme mielemme.", acting_user=grant.application.submitted_by
            )
        assert refusal.value.code == "already_answered"
        assert Grant.objects.get(pk=grant.pk).status == GrantStatus.ACCEPTED

    @pytest.mark.parametrize("who", ["other_organisation", "official", "presenter"])
    def test_only_the_recipients_members_may_answer(self, who):
        decision = DecisionFactory.published()
        person = {
            "other_organisation": lambda: MembershipFactory().person,
            "official": lambda: UserFactory(roles=["programme_manager"]),
            "presenter": lambda: decision.presenter,
        }[who]()
        with pytest.raises(PermissionDenied):
            grant_services.grant_accept(grant=decision.grant, acting_user=person)
        assert Grant.objects.get(pk=decision.grant.pk).status == GrantStatus.AWAITING_ACCEPTANCE


class TestPages:
    def test_the_decision_page_offers_both_answers_and_acceptance_needs_the_tick(self, client):
        decision = DecisionFactory.published()
        sign_in(client, decision.application.submitted_by)
        page = client.get(f"/en/applications/{decision.application.pk}/decision/").content.decode()
        assert "Accept the grant and its terms" in page and "Decline the grant" in page
        refused = client.post(f"/en/applications/{decision.application.pk}/decision/accept/", {})
        assert refused.status_code == 400 and "This field is required." in refused.content.decode()
        assert Grant.objects.get(pk=decision.grant.pk).status == GrantStatus.AWAITING_ACCEPTANCE
        accepted = client.post(
            f"/en/applications/{decision.application.pk}/decision/accept/", {"confirm": "on"}
        )
        assert accepted.status_code == 302
        page = client.get(f"/en/applications/{decision.application.pk}/decision/").content.decode()
        assert "The terms were accepted on" in page and "Accept the grant and its terms" not in page

    def test_declining_without_a_reason_is_refused_on_the_page(self, client):
        decision = DecisionFactory.published()
        sign_in(client, decision.application.submitted_by)
        response = client.post(
            f"/en/applications/{decision.application.pk}/decision/decline/", {"reason": ""}
        )
        assert response.status_code == 400 and "Why is the grant declined?" in response.content.decode()
        assert Grant.objects.get(pk=decision.grant.pk).status == GrantStatus.AWAITING_ACCEPTANCE


ROLES = {
    "anonymous": lambda decision: AnonymousUser(),
    "member": lambda decision: decision.application.submitted_by,
    "other_organisation": lambda decision: MembershipFactory().person,
    "presenter": lambda decision: decision.presenter,
    "manager": lambda decision: UserFactory(roles=["programme_manager"]),
    "finance": lambda decision: UserFactory(roles=["finance_officer"]),
}
ANSWERS = [("accept", {"confirm": "on"}), ("decline", {"reason": "Emme tarvitse avustusta."})]


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize(("answer", "data"), ANSWERS, ids=[answer for answer, _ in ANSWERS])
def test_who_may_answer_through_the_pages(client, role, answer, data):
    decision = DecisionFactory.published()
    expected = {"anonymous": LOGIN, "member": 302}.get(role, 404)
    assert_access(
        client,
        ROLES[role](decision),
        "POST",
        f"/applications/{decision.application.pk}/decision/{answer}/",
        expected,
        data=data,
    )
    answered = Grant.objects.get(pk=decision.grant.pk).status != GrantStatus.AWAITING_ACCEPTANCE
    assert answered == (role == "member")


class TestApi:
    def _post(self, client, user, decision, answer, payload=None):
        _token, token = api_token_create(name="CRM", scope=ApiToken.Scope.READ_WRITE, acting_user=user)
        return client.post(
            f"/api/v1/applications/{decision.application.pk}/grant/{answer}",
            payload or {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    def test_a_member_reads_and_accepts_the_grant(self, client):
        decision = DecisionFactory.published()
        member = decision.application.submitted_by
        _token, token = api_token_create(name="CRM", scope=ApiToken.Scope.READ_WRITE, acting_user=member)
        read = client.get(
            f"/api/v1/applications/{decision.application.pk}/grant", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert read.status_code == 200
        assert read.json() | {} == {
            "status": "awaiting_acceptance",
            "amount": "12000.00",
            "requires_acceptance": True,
            "may_be_paid": False,
            "answered_at": None,
            "decline_reason": "",
        }
        response = self._post(client, member, decision, "accept")
        assert response.status_code == 200 and response.json()["status"] == "accepted"
        assert response.json()["may_be_paid"] is True

    def test_a_decline_through_the_api_needs_a_reason(self, client):
        decision = DecisionFactory.published()
        refused = self._post(client, decision.application.submitted_by, decision, "decline", {"reason": ""})
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "reason"
        declined = self._post(
            client, decision.application.submitted_by, decision, "decline", {"reason": "Ei tarvetta."}
        )
        assert declined.status_code == 200 and declined.json()["status"] == "declined"

    def test_answering_twice_is_a_conflict(self, client):
        decision = DecisionFactory.published()
        self._post(client, decision.application.submitted_by, decision, "accept")
        again = self._post(client, decision.application.submitted_by, decision, "accept")
        assert again.status_code == 409

    def test_another_organisations_token_finds_nothing(self, client):
        decision = DecisionFactory.published()
        response = self._post(client, MembershipFactory().person, decision, "accept")
        assert response.status_code == 404
        assert Grant.objects.get(pk=decision.grant.pk).status == GrantStatus.AWAITING_ACCEPTANCE
