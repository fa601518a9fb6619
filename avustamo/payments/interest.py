"""Interest on returned and recovered grants: one calculation for recovery decisions, the officials' calculator
and the API (`GET /api/v1/tools/interest`).

- Interest (Act on Discretionary Government Transfers 688/2001, 24 §): from each payment of the grant, the reference
  rate of the Interest Act (633/1982, 12 §) plus 3 percentage points.
- Penalty interest (688/2001, 25 §): from the due date of a return or recovery until it is paid, the Interest
  Act's penalty rate (4 § 1 momentti), the reference rate plus 7 percentage points.

The reference rate changes every half-year, so a span is cut at 1 January and 1 July and each piece takes its own
rate. Days are counted as actual days over a 365-day year; the first day of the span counts, the last does not;
each piece's interest is rounded half up to the cent and the total is the sum of the rounded pieces, so that the
lines of a decision add up. docs/interest.md keeps the reasons and sources.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from avustamo.core.money import to_cents

DAYS_IN_YEAR = Decimal(365)
MAX_AMOUNT = Decimal("999999999999.99")
# The law's 10-year limit (688/2001, 29 §) with room for the time a recovery takes.
MAX_YEARS = 30


class InterestKind(models.TextChoices):
    GRANT = "grant", _("Interest (section 24): reference rate + 3 percentage points")
    PENALTY = "penalty", _("Penalty interest (section 25): reference rate + 7 percentage points")


ADDED_POINTS = {InterestKind.GRANT: Decimal(3), InterestKind.PENALTY: Decimal(7)}


@dataclass(frozen=True)
class InterestPeriod:
    """A piece of the span within one half-year, with its rate."""

    first_day: datetime.date
    last_day: datetime.date
    days: int
    reference_rate: Decimal
    rate: Decimal
    interest: Decimal


@dataclass(frozen=True)
class Interest:
    amount: Decimal
    start: datetime.date
    end: datetime.date
    kind: str
    periods: tuple[InterestPeriod, ...]

    @property
    def days(self) -> int:
        return sum(period.days for period in self.periods)

    @property
    def total(self) -> Decimal:
        return sum((period.interest for period in self.periods), Decimal("0.00"))


def half_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(start: datetime.date) -> datetime.date:
    return datetime.date(start.year, 7, 1) if start.month == 1 else datetime.date(start.year + 1, 1, 1)


def half_years(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The pieces [first day, day after the last) of the days from `start` up to the day before `end`."""
    pieces = []
    first = start
    while first < end:
        following = min(next_half_year(half_year_start(first)), end)
        pieces.append((first, following))
        first = following
    return pieces


def check_span(amount: Decimal, start: datetime.date, end: datetime.date) -> None:
    """Refuse what no interest can be reckoned on, with messages a person can act on."""
    errors = {}
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT or to_cents(amount) != amount:
        errors["amount"] = _("Give the amount in euros, more than 0 and with at most two decimals.")
    if end < start:
        errors["end"] = _("The last day cannot be before the first day.")
    elif end.year - start.year > MAX_YEARS:
        errors["end"] = _("Interest is reckoned over at most %(years)s years.") % {"years": MAX_YEARS}
    if errors:
        raise ValidationError(errors)


def calculate_interest(
    *,
    amount: Decimal,
    start: datetime.date,
    end: datetime.date,
    kind: str,
    rates: dict[datetime.date, Decimal],
) -> Interest:
    """Interest of the given kind on `amount` from `start` (counted) to `end` (not counted).

    `rates` maps the first day of each half-year to its reference rate (`selectors.reference_rates`); a half-year
    of the span without one is refused rather than guessed.
    """
    check_span(amount, start, end)
    added = ADDED_POINTS[InterestKind(kind)]
    periods = []
    missing = []
    for first, following in half_years(start, end):
        reference_rate = rates.get(half_year_start(first))
        if reference_rate is None:
            missing.append(half_year_start(first))
            continue
        days = (following - first).days
        rate = reference_rate + added
        periods.append(
            InterestPeriod(
                first_day=first,
                last_day=following - datetime.timedelta(days=1),
                days=days,
                reference_rate=reference_rate,
                rate=rate,
                interest=to_cents(amount * rate / 100 * days / DAYS_IN_YEAR),
            )
        )
    if missing:
        raise ValidationError(
            _(
                "No reference rate has been entered for the half-years starting %(days)s. An administrator "
                "enters them from the Bank of Finland's announcements."
            )
            % {"days": ", ".join(date_format(day, "SHORT_DATE_FORMAT") for day in missing)},
            code="missing_reference_rate",
        )
    return Interest(amount=amount, start=start, end=end, kind=kind, periods=tuple(periods))


@dataclass(frozen=True)
class ReturnInterest:
    """The interest of 24 § on a returned or recovered amount: its total and every line the decision shows."""

    total: Decimal
    lines: list[dict]


def rates_reach(
    start: datetime.date, end: datetime.date, rates: dict[datetime.date, Decimal]
) -> datetime.date:
    """How far from `start` towards `end` the entered rates go: the first day of the first half-year without a
    rate, or `end` when every half-year has one."""
    for first, _following in half_years(start, end):
        if half_year_start(first) not in rates:
            return first
    return end


def return_interest(
    *,
    parts: list[tuple[datetime.date, Decimal]],
    due_date: datetime.date,
    rates: dict[datetime.date, Decimal],
    since: datetime.date | None = None,
) -> ReturnInterest:
    """The grant interest on each part of a returned amount, from the day it was paid (or `since`, when the interest
    up to that day has already been reckoned) to `due_date`, half-year by half-year; `parts` are (payment day, part
    of the amount), `rates` cover every half-year of the span. The lines are stored with the claim as its decision
    shows them."""
    total, lines = Decimal("0.00"), []
    for paid_on, part in parts:
        start = max(paid_on, since) if since else paid_on
        if start >= due_date:
            continue
        reckoned = calculate_interest(
            amount=part, start=start, end=due_date, kind=InterestKind.GRANT, rates=rates
        )
        total += reckoned.total
        lines += [
            {
                "paid_on": paid_on.isoformat(),
                "amount": str(part),
                "first_day": period.first_day.isoformat(),
                "last_day": period.last_day.isoformat(),
                "days": period.days,
                "rate": str(period.rate),
                "interest": str(period.interest),
            }
            for period in reckoned.periods
        ]
    return ReturnInterest(total=total, lines=lines)
