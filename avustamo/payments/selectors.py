"""Reads of payments and recovery."""

import datetime
from decimal import Decimal

from avustamo.payments.interest import half_year_start
from avustamo.payments.models import Grant, ReferenceRate


def reference_rates(start: datetime.date, end: datetime.date) -> dict[datetime.date, Decimal]:
    """The reference rates of the half-years from `start` to `end`, by the first day of each."""
    rows = ReferenceRate.objects.filter(valid_from__gte=half_year_start(start), valid_from__lte=end)
    return dict(rows.values_list("valid_from", "rate"))


def all_reference_rates():
    return ReferenceRate.objects.select_related("entered_by").order_by("-valid_from")


def grant_of_application(application) -> Grant | None:
    return Grant.objects.filter(application=application).select_related("answered_by").first()
