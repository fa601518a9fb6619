"""Returns and recoveries (issue 6, section 7): the amount claimed back with the interest of 24 § reckoned from the
payments it is taken from, the 100 € rule of 20 §, the penalty interest of 25 § after the due date, and the
ledger after each. Hand-computed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from avustamo.core.dates import helsinki_today
from avustamo.grants import services as grant_services
from avustamo.payments import selectors, services
from avustamo.payments.models import InstalmentStatus, ReferenceRate, ReturnClaim, ReturnGround
from tests.factories import AgencyFactory, CallFactory, ProgrammeFactory, UserFactory
from tests.test_grant_acceptance import _member, _published

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = helsinki_today()


@pytest.fixture(autouse=True)
def second_half_of_2026(reference_rates):
    """The reference rate of 1.7.–31.12.2026, not yet in the table, entered as 2 % for these cases."""
    ReferenceRate.objects.get_or_create(
        valid_from=D(2026, 7, 1), defaults={"rate": Decimal("2.0"), "source": "testi"}
    )


@pytest.fixture
def paid_grant():
    """10 000 € paid in one instalment on 1.3.2025."""
    agency = AgencyFactory(code="TEM", payment_iban="FI2112345600000785")
    call = CallFactory(closed=True, programme=ProgrammeFactory(agency=agency))
    decision = _published(call=call, amount="10000.00")
    grant_services.grant_accept(grant=decision.grant, acting_user=_member(decision))
    finance, approver = UserFactory(roles=["finance_officer"]), UserFactory(roles=["finance_officer"])
    batch = services.batch_prepare(agency=agency, execution_date=TODAY, acting_user=finance)
    services.batch_approve(batch=batch, acting_user=approver)
    services.batch_credit_transfer(batch=batch, acting_user=finance)
    services.batch_mark_paid(batch=batch, paid_on=D(2025, 3, 1), acting_user=finance)
    return decision.grant


END_OF_2026 = D(2026, 12, 31)


def _claim(grant, amount="1000.00", ground=ReturnGround.NOT_USED_AS_DECIDED, due=END_OF_2026, user=None):
    return services.return_claim_create(
        grant=grant,
        ground=ground,
        amount=Decimal(amount),
        due_date=due,
        learned_on=D(2026, 11, 1),
        reasons="Loppuselvityksen mukaan avustusta jäi käyttämättä.",
        acting_user=user or UserFactory(roles=["programme_manager"]),
    )


def test_the_interest_of_section_24_runs_from_the_payment_to_the_due_date(paid_grant):
    claim = _claim(paid_grant)
    # 1 000 € x 6.5 % x 122/365 = 21.73; x 5.5 % x 184/365 = 27.73; x 5.5 % x 181/365 = 27.27; x 5 % x 183/365 = 25.07
    assert [
        (line["first_day"], line["days"], line["rate"], line["interest"]) for line in claim.interest_lines
    ] == [
        ("2025-03-01", 122, "6.50", "21.73"),
        ("2025-07-01", 184, "5.50", "27.73"),
        ("2026-01-01", 181, "5.50", "27.27"),
        ("2026-07-01", 183, "5.00", "25.07"),
    ]
    assert claim.interest == Decimal("101.80")


def test_the_ledger_owes_the_amount_back_until_it_is_received(paid_grant):
    claim = _claim(paid_grant)
    ledger = selectors.ledger_of(paid_grant)
    assert (ledger.in_force, ledger.paid, ledger.owed) == (
        Decimal("9000.00"),
        Decimal("10000.00"),
        Decimal("-1000.00"),
    )
    services.return_claim_received(
        claim=claim, received_on=TODAY, acting_user=UserFactory(roles=["finance_officer"])
    )
    ledger = selectors.ledger_of(paid_grant)
    assert ledger.owed == Decimal("0.00") and ledger.returned == Decimal("1000.00")
    assert selectors.reconciliation_problems(paid_grant) == []
    assert ReturnClaim.objects.get().penalty_interest == Decimal("0.00")


def test_money_back_after_the_due_date_bears_penalty_interest(paid_grant):
    claim = _claim(paid_grant)
    ReturnClaim.objects.filter(pk=claim.pk).update(due_date=D(2026, 6, 30))  # the due date has passed
    received = services.return_claim_received(
        claim=claim, received_on=D(2026, 11, 30), acting_user=UserFactory(roles=["finance_officer"])
    )
    # 1.7.–30.11.2026: 153 days at 2 + 7 = 9 %: 1 000 € x 9 % x 153/365 = 37.73
    assert received.penalty_interest == Decimal("37.73")


def test_section_20_leaves_100_euros_or_less_unclaimed_but_recovery_may_claim_it(paid_grant):
    with pytest.raises(ValidationError) as refusal:
        _claim(paid_grant, amount="100.00")
    assert "amount" in refusal.value.error_dict
    assert not ReturnClaim.objects.exists()
    assert _claim(paid_grant, amount="100.00", ground=ReturnGround.OTHER_PURPOSE).amount == Decimal("100.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [({"amount": "10000.01"}, "amount"), ({"amount": "0"}, "amount"), ({"due": D(2020, 1, 1)}, "due_date")],
)
def test_what_cannot_be_claimed_is_refused_and_nothing_saved(paid_grant, change, field):
    with pytest.raises(ValidationError) as refusal:
        _claim(paid_grant, **change)
    assert field in refusal.value.error_dict
    assert not ReturnClaim.objects.exists()
    assert selectors.ledger_of(paid_grant).owed == Decimal("0.00")


def test_a_claim_stops_the_payments_not_yet_made():
    agency = AgencyFactory(code="TEM", payment_iban="FI2112345600000785")
    call = CallFactory(closed=True, programme=ProgrammeFactory(agency=agency))
    decision = _published(
        call=call,
        amount="10000.00",
        instalments=[
            {"percent": "60", "condition": "on_acceptance"},
            {"percent": "40", "condition": "after_final_report"},
        ],
    )
    grant_services.grant_accept(grant=decision.grant, acting_user=_member(decision))
    finance, approver = UserFactory(roles=["finance_officer"]), UserFactory(roles=["finance_officer"])
    batch = services.batch_prepare(agency=agency, execution_date=TODAY, acting_user=finance)
    services.batch_approve(batch=batch, acting_user=approver)
    services.batch_credit_transfer(batch=batch, acting_user=finance)
    services.batch_mark_paid(batch=batch, paid_on=D(2026, 3, 2), acting_user=finance)
    _claim(
        decision.grant,
        amount="6000.00",
        ground=ReturnGround.FALSE_INFORMATION,
        due=END_OF_2026,
    )
    statuses = dict(decision.grant.instalments.values_list("number", "status"))
    assert statuses == {1: InstalmentStatus.PAID, 2: InstalmentStatus.CANCELLED}
    ledger = selectors.ledger_of(decision.grant)
    assert (ledger.in_force, ledger.owed) == (Decimal("0.00"), Decimal("-6000.00"))
    assert selectors.reconciliation_problems(decision.grant) == []


@pytest.mark.parametrize("role", ["finance_officer", "auditor", "reviewer"])
def test_only_the_presenter_or_a_programme_manager_decides(paid_grant, role):
    with pytest.raises(PermissionDenied):
        _claim(paid_grant, user=UserFactory(roles=[role]))
    assert not ReturnClaim.objects.exists()


def test_a_return_through_the_pages(client, paid_grant):
    manager = UserFactory(roles=["programme_manager"])
    client.force_login(manager)
    page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
    assert "Decide a return or recovery" in page
    refused = client.post(
        f"/en/official/applications/{paid_grant.application_id}/returns/",
        {
            "ground": "20_not_used",
            "amount": "50",
            "due_date": "2026-12-31",
            "learned_on": "2026-11-01",
            "reasons": "x",
        },
    )
    assert refused.status_code == 400 and "100 € or less is not reclaimed" in refused.content.decode()
    created = client.post(
        f"/en/official/applications/{paid_grant.application_id}/returns/",
        {
            "ground": "20_not_used",
            "amount": "1000",
            "due_date": "2026-12-31",
            "learned_on": "2026-11-01",
            "reasons": "Käyttämättä.",
        },
    )
    assert created.status_code == 302
    page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
    assert "Interest of section 24 up to the due date: €101.80" in page
    claim = ReturnClaim.objects.get()
    finance = UserFactory(roles=["finance_officer"])
    client.force_login(finance)
    assert (
        client.post(f"/official/returns/{claim.pk}/received/", {"received_on": "2099-01-01"}).status_code
        == 400
    )
    assert (
        client.post(f"/official/returns/{claim.pk}/received/", {"received_on": TODAY.isoformat()}).status_code
        == 302
    )
    assert ReturnClaim.objects.get().received_on == TODAY


@pytest.mark.parametrize("role", ["finance_officer", "auditor", "reviewer"])
def test_who_may_decide_a_return_on_the_page(client, paid_grant, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.post(
        f"/official/applications/{paid_grant.application_id}/returns/",
        {
            "ground": "21_other_purpose",
            "amount": "500",
            "due_date": "2026-12-31",
            "learned_on": "2026-11-01",
            "reasons": "x",
        },
    )
    assert response.status_code == 403 and not ReturnClaim.objects.exists()


class TestTimeLimitsOfSection29:
    def test_the_page_says_until_when_recovery_is_possible(self, client, paid_grant):
        client.force_login(UserFactory(roles=["programme_manager"]))
        page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
        assert (
            "A recovery can be decided until 1 March 2035, ten years after the last payment on 1 March 2025"
            in page
        )
        assert "Less than a year is left." not in page

    def test_the_page_warns_in_the_last_year(self, client, paid_grant):
        paid_grant.instalments.update(paid_on=D(2016, 12, 31))
        client.force_login(UserFactory(roles=["programme_manager"]))
        page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
        assert "until 31 December 2026" in page and "Less than a year is left." in page

    def test_a_recovery_after_ten_years_is_refused(self, paid_grant):
        paid_grant.instalments.update(paid_on=D(2016, 11, 29))
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            _claim(paid_grant, ground=ReturnGround.OTHER_PURPOSE)
        assert (
            "Ten years have passed since the last payment" in refusal.value.error_dict["due_date"][0].message
        )
        assert not ReturnClaim.objects.exists()

    def test_a_recovery_more_than_a_year_after_learning_its_grounds_is_refused(self, paid_grant):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            services.return_claim_create(
                grant=paid_grant,
                ground=ReturnGround.OTHER_PURPOSE,
                amount=Decimal("500.00"),
                due_date=END_OF_2026,
                learned_on=D(2025, 11, 1),
                reasons="Myöhässä.",
                acting_user=UserFactory(roles=["programme_manager"]),
            )
        assert "within a year of learning its grounds" in str(
            refusal.value.error_dict["learned_on"][0].message
        )
        assert not ReturnClaim.objects.exists()
