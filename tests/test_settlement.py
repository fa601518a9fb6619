"""The settlement (issue 6, section 6), hand-computed: the grant's share of the accepted costs, the earned amount,
what is still to pay or to return, and section 20's 100 € threshold."""

from decimal import Decimal

import pytest
from django.utils import translation

from avustamo.payments.settlement import settle

D = Decimal


def test_costs_below_the_budget_earn_their_share_and_the_rest_is_returned():
    # 80 % of 12 000.00 = 9 600.00 earned of 10 000.00 awarded; 10 000.00 paid: 400.00 to return.
    result = settle(
        accepted_costs=D("12000.00"), max_share_percent=D("80"), awarded=D("10000.00"), paid=D("10000.00")
    )
    assert (result.share_of_costs, result.earned, result.to_pay, result.to_return) == (
        D("9600.00"),
        D("9600.00"),
        D("0.00"),
        D("400.00"),
    )


def test_costs_above_the_budget_earn_no_more_than_the_award():
    result = settle(
        accepted_costs=D("20000.00"), max_share_percent=D("80"), awarded=D("10000.00"), paid=D("8000.00")
    )
    assert (result.earned, result.to_pay, result.over_paid) == (D("10000.00"), D("2000.00"), D("0.00"))


@pytest.mark.parametrize(
    ("paid", "to_return", "not_reclaimed"),
    [
        ("9700.00", "0.00", "100.00"),  # exactly 100 €: not reclaimed (20 §)
        ("9700.01", "100.01", "0.00"),  # a cent more: all of it is returned
        ("9600.01", "0.00", "0.01"),
    ],
)
def test_section_20_does_not_reclaim_100_euros_or_less(paid, to_return, not_reclaimed):
    result = settle(
        accepted_costs=D("12000.00"), max_share_percent=D("80"), awarded=D("10000.00"), paid=D(paid)
    )
    assert (result.to_return, result.not_reclaimed) == (D(to_return), D(not_reclaimed))


def test_the_share_is_rounded_half_up_to_the_cent():
    # 33.33 % of 1 000.05 = 333.316665 -> 333.32
    result = settle(
        accepted_costs=D("1000.05"), max_share_percent=D("33.33"), awarded=D("500.00"), paid=D("0")
    )
    assert result.share_of_costs == D("333.32") and result.to_pay == D("333.32")


def test_without_a_maximum_share_all_accepted_costs_count():
    result = settle(
        accepted_costs=D("4321.09"), max_share_percent=None, awarded=D("5000.00"), paid=D("5000.00")
    )
    assert (result.earned, result.to_return) == (D("4321.09"), D("678.91"))


def test_the_lines_show_the_calculation_step_by_step():
    result = settle(
        accepted_costs=D("12000.00"), max_share_percent=D("80"), awarded=D("10000.00"), paid=D("9650.00")
    )
    with translation.override("en"):
        lines = [(str(line.label), line.amount, line.percent) for line in result.lines()]
    assert lines == [
        ("Eligible costs accepted from the final report", D("12000.00"), None),
        ("Maximum share of the eligible costs", None, D("80")),
        ("The grant's share of the accepted costs", D("9600.00"), None),
        ("Awarded by the decisions", D("10000.00"), None),
        ("Earned: the smaller of the two", D("9600.00"), None),
        ("Paid so far", D("9650.00"), None),
        ("Paid beyond what was earned", D("50.00"), None),
        ("Not reclaimed: 100 € or less (section 20)", D("50.00"), None),
    ]


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        settle(accepted_costs=D("-1"), max_share_percent=None, awarded=D("1"), paid=D("0"))
