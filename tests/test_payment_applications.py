"""Payment in arrears (issue 6, section 2): the recipient applies for payment of costs incurred; an official
approves all or part, or rejects with reasons; an approved amount becomes a due instalment taken from the planned
in-arrears instalment, so the plan still adds up to the grant."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from avustamo.accounts.models import ApiToken
from avustamo.accounts.services import api_token_create
from avustamo.grants import services as grant_services
from avustamo.hearings.models import HearingSubject
from avustamo.payments import selectors, services
from avustamo.payments.models import InstalmentStatus, PaymentApplication, PaymentApplicationStatus
from tests.access import sign_in
from tests.factories import CallAssignmentFactory, CallFactory, GrantFactory, UserFactory, heard

pytestmark = pytest.mark.django_db

IN_ARREARS = [{"percent": "100", "condition": "in_arrears"}]
LAST_YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


@pytest.fixture
def grant():
    return GrantFactory.accepted(
        amount="10000.00", instalments=IN_ARREARS, period=LAST_YEAR, call=CallFactory(closed=True)
    )


def _apply(
    grant, amount="2500.00", costs="3000.00", period=(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
):
    return services.payment_application_submit(
        grant=grant,
        period_start=period[0],
        period_end=period[1],
        costs_incurred=Decimal(costs),
        amount=Decimal(amount),
        description="Palkat ja vuokrat tammi–kesäkuu.",
        acting_user=grant.application.submitted_by,
    )


def _statuses(grant):
    return sorted((i.amount, i.status, i.condition) for i in grant.instalments.exclude(status="cancelled"))


class TestApplying:
    def test_nothing_falls_due_before_a_payment_application(self, grant):
        assert _statuses(grant) == [(Decimal("10000.00"), InstalmentStatus.PLANNED, "in_arrears")]
        assert services.arrears_left(grant) == Decimal("10000.00")

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"amount": "3500.00", "costs": "3000.00"}, "amount"),
            ({"amount": "10000.01", "costs": "20000.00"}, "amount"),
            ({"period": (datetime.date(2024, 12, 1), datetime.date(2025, 1, 31))}, "period_start"),
            ({"period": (datetime.date(2025, 6, 1), datetime.date(2025, 5, 1))}, "period_end"),
        ],
    )
    def test_what_cannot_be_applied_for_is_refused_and_nothing_saved(self, grant, change, field):
        with pytest.raises(ValidationError) as refusal:
            _apply(grant, **change)
        assert field in refusal.value.error_dict
        assert not PaymentApplication.objects.exists()

    def test_pending_applications_count_against_what_is_left(self, grant):
        _apply(grant, amount="6000.00", costs="6000.00")
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _apply(grant, amount="4500.00", costs="5000.00")
        assert "At most €4,000 is left to apply for." in refusal.value.messages

    def test_only_an_accepted_grant_and_its_recipient_may_apply(self):
        grant = GrantFactory.awaiting_acceptance(amount="5000.00", instalments=IN_ARREARS, period=LAST_YEAR)
        with pytest.raises(ValidationError):
            _apply(grant)
        grant_services.grant_accept(grant=grant, acting_user=grant.application.submitted_by)
        with pytest.raises(PermissionDenied):
            services.payment_application_submit(
                grant=grant,
                period_start=LAST_YEAR[0],
                period_end=LAST_YEAR[1],
                costs_incurred=Decimal("100"),
                amount=Decimal("100"),
                description="x",
                acting_user=UserFactory(),
            )


class TestDeciding:
    def test_a_part_approved_becomes_a_due_instalment_and_the_plan_still_adds_up(self, grant):
        application = _apply(grant)
        finance = UserFactory(roles=["finance_officer"])
        heard(grant, HearingSubject.PAYMENT_APPLICATION)
        with pytest.raises(ValidationError):
            services.payment_application_decide(
                payment_application=application,
                approved_amount=Decimal("2000.00"),
                reason="",
                acting_user=finance,
            )
        decided = services.payment_application_decide(
            payment_application=application,
            approved_amount=Decimal("2000.00"),
            reason="Matkakulut eivät ole hyväksyttäviä.",
            acting_user=finance,
        )
        assert decided.status == PaymentApplicationStatus.APPROVED and decided.instalment.amount == Decimal(
            "2000.00"
        )
        assert _statuses(grant) == [
            (Decimal("2000.00"), InstalmentStatus.DUE, "in_arrears"),
            (Decimal("8000.00"), InstalmentStatus.PLANNED, "in_arrears"),
        ]
        assert selectors.reconciliation_problems(grant) == []
        assert services.arrears_left(grant) == Decimal("8000.00")

    def test_a_rejection_needs_reasons_and_frees_the_amount(self, grant):
        application = _apply(grant)
        finance = UserFactory(roles=["finance_officer"])
        with pytest.raises(ValidationError) as refusal:
            services.payment_application_decide(
                payment_application=application, approved_amount=None, reason=" ", acting_user=finance
            )
        assert "reason" in refusal.value.error_dict
        heard(grant, HearingSubject.PAYMENT_APPLICATION)
        services.payment_application_decide(
            payment_application=application,
            approved_amount=None,
            reason="Kuitit puuttuvat.",
            acting_user=finance,
        )
        assert services.arrears_left(grant) == Decimal("10000.00")
        with pytest.raises(ValidationError):
            services.payment_application_decide(
                payment_application=application, approved_amount=Decimal("1"), reason="", acting_user=finance
            )

    def test_the_calls_presenter_may_decide_another_presenter_may_not(self, grant):
        application = _apply(grant)
        call = grant.application.call
        presenter = CallAssignmentFactory(call=call).person
        other = UserFactory(roles=["presenter"])
        with pytest.raises(PermissionDenied):
            services.payment_application_decide(
                payment_application=application,
                approved_amount=Decimal("2500.00"),
                reason="",
                acting_user=other,
            )
        services.payment_application_decide(
            payment_application=application,
            approved_amount=Decimal("2500.00"),
            reason="",
            acting_user=presenter,
        )


class TestPages:
    def test_the_recipient_applies_and_an_official_approves_through_the_pages(self, client, grant):
        sign_in(client, grant.application.submitted_by)
        url = f"/en/applications/{grant.application_id}/decision/"
        assert "You can still apply for €10,000." in client.get(url).content.decode()
        refused = client.post(f"{url}payment-application/", {"period_start": "2025-01-01"})
        assert refused.status_code == 400 and "Please correct the following" in refused.content.decode()
        sent = client.post(
            f"{url}payment-application/",
            {
                "period_start": "2025-01-01",
                "period_end": "2025-06-30",
                "costs_incurred": "3000",
                "amount": "2500",
                "description": "Palkat.",
            },
        )
        assert sent.status_code == 302
        application = PaymentApplication.objects.get()

        sign_in(client, UserFactory(roles=["finance_officer"]))
        page = client.get(f"/en/official/applications/{grant.application_id}/decision/").content.decode()
        assert "Decide the payment application" in page
        bad = client.post(
            f"/en/official/payment-applications/{application.pk}/decide/", {"approved_amount": "99999"}
        )
        assert bad.status_code == 400 and "at most the amount applied for" in bad.content.decode()
        done = client.post(
            f"/en/official/payment-applications/{application.pk}/decide/", {"approved_amount": "2500"}
        )
        assert done.status_code == 302
        assert PaymentApplication.objects.get().status == PaymentApplicationStatus.APPROVED

    @pytest.mark.parametrize("role", ["applicant", "auditor", "reviewer"])
    def test_others_cannot_decide(self, client, grant, role):
        application = _apply(grant)
        user = grant.application.submitted_by if role == "applicant" else UserFactory(roles=[role])
        sign_in(client, user)
        response = client.post(
            f"/official/payment-applications/{application.pk}/decide/", {"approved_amount": "1"}
        )
        assert response.status_code == 403
        assert PaymentApplication.objects.get().status == PaymentApplicationStatus.SUBMITTED


class TestApi:
    def _client(self, client, user):
        _token, token = api_token_create(name="talous", scope=ApiToken.Scope.READ_WRITE, acting_user=user)
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    BODY = {
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "costs_incurred": "3000.00",
        "amount": "2500.00",
        "description": "Palkat.",
    }

    def test_a_member_applies_and_reads_the_decision(self, client, grant):
        headers = self._client(client, grant.application.submitted_by)
        url = f"/api/v1/applications/{grant.application_id}/grant/payment-applications"
        body = self.BODY
        refused = client.post(url, body | {"amount": "3500.00"}, content_type="application/json", **headers)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "amount"
        created = client.post(url, body, content_type="application/json", **headers)
        assert created.status_code == 201 and created.json()["status"] == "submitted"
        services.payment_application_decide(
            payment_application=PaymentApplication.objects.get(),
            approved_amount=Decimal("2500.00"),
            reason="",
            acting_user=UserFactory(roles=["finance_officer"]),
        )
        [listed] = client.get(url, **headers).json()
        assert listed["status"] == "approved" and listed["approved_amount"] == "2500.00"

    @pytest.mark.parametrize(
        ("changes", "field", "code"),
        [
            ({"amount": 2500.5}, "body.payload.amount", "amount_not_text"),
            ({"costs_incurred": 3000}, "body.payload.costs_incurred", "amount_not_text"),
            ({"amount": "2500.005"}, "body.payload.amount", "amount_format"),
            ({"amount": "1e3"}, "body.payload.amount", "amount_format"),
            ({"amount": "0.00"}, "amount", "invalid"),
            ({"costs_incurred": "0"}, "costs_incurred", "invalid"),
        ],
    )
    def test_an_amount_is_a_decimal_string_of_cents_above_zero(self, client, grant, changes, field, code):
        headers = self._client(client, grant.application.submitted_by)
        url = f"/api/v1/applications/{grant.application_id}/grant/payment-applications"
        refused = client.post(url, self.BODY | changes, content_type="application/json", **headers)
        assert refused.status_code == 422
        problem = refused.json()["errors"][0]
        assert (problem["field"], problem["code"]) == (field, code) and problem["message"]
        assert not PaymentApplication.objects.exists()

    def test_another_organisation_finds_nothing(self, client, grant):
        headers = self._client(client, UserFactory())
        url = f"/api/v1/applications/{grant.application_id}/grant/payment-applications"
        assert client.get(url, **headers).status_code == 404
