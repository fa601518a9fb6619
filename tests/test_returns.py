"""Returns and recoveries (issue 6, section 7): the amount claimed back with the interest of 24 § reckoned from the
payments it is taken from, the 100 € rule of 20 §, the penalty interest of 25 § after the due date, and the
ledger after each. Hand-computed on dates placed in last year and this year, with the reference rates of
conftest.reference_rates_of_last_and_this_year."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from avustamo.core.dates import helsinki_today, shift_years
from avustamo.core.money import to_cents
from avustamo.payments import selectors, services
from avustamo.payments.models import InstalmentStatus, ReturnClaim, ReturnGround
from tests.access import sign_in
from tests.factories import GrantFactory, UserFactory, heard

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_rates_of_last_and_this_year")]
D = datetime.date
TODAY = helsinki_today()
LAST_YEAR, THIS_YEAR = TODAY.year - 1, TODAY.year
PAID_ON = D(LAST_YEAR, 3, 1)
END_OF_THIS_YEAR = D(THIS_YEAR, 12, 31)  # never in the past: the due date of the claims
# Within the year of 29 §, and the same day as ever for a reader: the latest 1 November up to today.
LEARNED = D(THIS_YEAR if D(THIS_YEAR, 11, 1) <= TODAY else LAST_YEAR, 11, 1)
# 181 days, 182 in a leap year: the one piece of the interest whose days depend on the year.
FIRST_HALF_OF_THIS_YEAR = (D(THIS_YEAR, 7, 1) - D(THIS_YEAR, 1, 1)).days
# 1 000 € x (2.5 + 3) % over the first half of this year, by the formula of 24 §: amount x rate x days / 365.
INTEREST_OF_THE_FIRST_HALF = to_cents(Decimal("1000") * Decimal("5.5") / 100 * FIRST_HALF_OF_THIS_YEAR / 365)
# With 21.73 + 27.73 + 25.07 of the other half-years (see the first test): 101.80, or 101.95 in a leap year.
INTEREST_ON_1000 = Decimal("21.73") + Decimal("27.73") + INTEREST_OF_THE_FIRST_HALF + Decimal("25.07")


@pytest.fixture
def paid_grant():
    """10 000 € paid in one instalment on 1 March of last year."""
    return GrantFactory.paid(paid_on=PAID_ON, amount="10000.00")


def _claim(grant, amount="1000.00", ground=ReturnGround.NOT_USED_AS_DECIDED, due=END_OF_THIS_YEAR, user=None):
    heard(grant)
    return services.return_claim_create(
        grant=grant,
        ground=ground,
        amount=Decimal(amount),
        due_date=due,
        learned_on=LEARNED,
        reasons="Loppuselvityksen mukaan avustusta jäi käyttämättä.",
        acting_user=user or UserFactory(roles=["programme_manager"]),
    )


def test_the_interest_of_section_24_runs_from_the_payment_to_the_due_date(paid_grant):
    claim = _claim(paid_grant)
    # From 1.3. of last year to 31.12. of this year, 3.5, 2.5, 2.5 and 2.0 % reference rates + 3 points:
    # 1 000 € x 6.5 % x 122/365 = 21.73; x 5.5 % x 184/365 = 27.73; x 5.5 % x 181/365 = 27.27 (182/365 = 27.42 in a
    # leap year); x 5 % x 183/365 = 25.07 (the due date itself does not count).
    assert [
        (line["first_day"], line["days"], line["rate"], line["interest"]) for line in claim.interest_lines
    ] == [
        (f"{LAST_YEAR}-03-01", 122, "6.50", "21.73"),
        (f"{LAST_YEAR}-07-01", 184, "5.50", "27.73"),
        (f"{THIS_YEAR}-01-01", FIRST_HALF_OF_THIS_YEAR, "5.50", str(INTEREST_OF_THE_FIRST_HALF)),
        (f"{THIS_YEAR}-07-01", 183, "5.00", "25.07"),
    ]
    assert claim.interest == INTEREST_ON_1000


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
    # The due date has passed: it was 30.6. of last year.
    ReturnClaim.objects.filter(pk=claim.pk).update(due_date=D(LAST_YEAR, 6, 30))
    received = services.return_claim_received(
        claim=claim, received_on=D(LAST_YEAR, 11, 30), acting_user=UserFactory(roles=["finance_officer"])
    )
    # 1.7.–30.11. of last year: 153 days at 2.5 + 7 = 9.5 %: 1 000 € x 9.5 % x 153/365 = 39.82
    assert received.penalty_interest == Decimal("39.82")


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
    grant = GrantFactory.paid(
        paid_on=D(LAST_YEAR, 3, 2),
        amount="10000.00",
        instalments=[
            {"percent": "60", "condition": "on_acceptance"},
            {"percent": "40", "condition": "after_final_report"},
        ],
    )
    _claim(grant, amount="6000.00", ground=ReturnGround.FALSE_INFORMATION, due=END_OF_THIS_YEAR)
    statuses = dict(grant.instalments.values_list("number", "status"))
    assert statuses == {1: InstalmentStatus.PAID, 2: InstalmentStatus.CANCELLED}
    ledger = selectors.ledger_of(grant)
    assert (ledger.in_force, ledger.owed) == (Decimal("0.00"), Decimal("-6000.00"))
    assert selectors.reconciliation_problems(grant) == []


@pytest.mark.parametrize("role", ["finance_officer", "auditor", "reviewer"])
def test_only_the_presenter_or_a_programme_manager_decides(paid_grant, role):
    with pytest.raises(PermissionDenied):
        _claim(paid_grant, user=UserFactory(roles=[role]))
    assert not ReturnClaim.objects.exists()


def test_a_return_through_the_pages(client, paid_grant):
    manager = UserFactory(roles=["programme_manager"])
    sign_in(client, manager)
    page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
    assert "Decide a return or recovery" in page
    refused = client.post(
        f"/en/official/applications/{paid_grant.application_id}/returns/",
        {
            "ground": "20_not_used",
            "amount": "50",
            "due_date": END_OF_THIS_YEAR.isoformat(),
            "learned_on": LEARNED.isoformat(),
            "reasons": "x",
        },
    )
    assert refused.status_code == 400 and "100 € or less is not reclaimed" in refused.content.decode()
    heard(paid_grant)
    created = client.post(
        f"/en/official/applications/{paid_grant.application_id}/returns/",
        {
            "ground": "20_not_used",
            "amount": "1000",
            "due_date": END_OF_THIS_YEAR.isoformat(),
            "learned_on": LEARNED.isoformat(),
            "reasons": "Käyttämättä.",
        },
    )
    assert created.status_code == 302
    page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
    assert f"Interest of section 24 up to the due date: €{INTEREST_ON_1000}" in page
    claim = ReturnClaim.objects.get()
    finance = UserFactory(roles=["finance_officer"])
    sign_in(client, finance)
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
    sign_in(client, UserFactory(roles=[role]))
    response = client.post(
        f"/official/applications/{paid_grant.application_id}/returns/",
        {
            "ground": "21_other_purpose",
            "amount": "500",
            "due_date": END_OF_THIS_YEAR.isoformat(),
            "learned_on": LEARNED.isoformat(),
            "reasons": "x",
        },
    )
    assert response.status_code == 403 and not ReturnClaim.objects.exists()


class TestTimeLimitsOfSection29:
    def test_the_page_says_until_when_recovery_is_possible(self, client, paid_grant):
        sign_in(client, UserFactory(roles=["programme_manager"]))
        page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
        assert (
            f"A recovery can be decided until 1 March {LAST_YEAR + 10}, ten years after the last payment on "
            f"1 March {LAST_YEAR}" in page
        )
        assert "Less than a year is left." not in page

    def test_the_page_warns_in_the_last_year(self, client, paid_grant):
        paid_grant.instalments.update(paid_on=D(THIS_YEAR - 10, 12, 31))
        sign_in(client, UserFactory(roles=["programme_manager"]))
        page = client.get(f"/en/official/applications/{paid_grant.application_id}/decision/").content.decode()
        assert f"until 31 December {THIS_YEAR}" in page and "Less than a year is left." in page

    def test_a_recovery_after_ten_years_is_refused(self, paid_grant):
        # Paid ten years and a day ago: the last day to recover it has passed.
        paid_grant.instalments.update(paid_on=shift_years(TODAY, -10) - datetime.timedelta(days=1))
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
                due_date=END_OF_THIS_YEAR,
                learned_on=shift_years(TODAY, -1) - datetime.timedelta(days=1),  # a year and a day ago
                reasons="Myöhässä.",
                acting_user=UserFactory(roles=["programme_manager"]),
            )
        assert "within a year of learning its grounds" in str(
            refusal.value.error_dict["learned_on"][0].message
        )
        assert not ReturnClaim.objects.exists()
