"""The Interest Act's reference rates from 2016 as the Bank of Finland announced them (docs/interest.md lists which
were checked against the announcements). Loaded by migration payments 0002 and by the demo; an administrator
enters each new half-year's rate in the service."""

import datetime
from decimal import Decimal

RATES = {
    "2016-01-01": "0.5",
    "2016-07-01": "0.0",
    "2017-01-01": "0.0",
    "2017-07-01": "0.0",
    "2018-01-01": "0.0",
    "2018-07-01": "0.0",
    "2019-01-01": "0.0",
    "2019-07-01": "0.0",
    "2020-01-01": "0.0",
    "2020-07-01": "0.0",
    "2021-01-01": "0.0",
    "2021-07-01": "0.0",
    "2022-01-01": "0.0",
    "2022-07-01": "0.0",
    "2023-01-01": "2.5",
    "2023-07-01": "4.0",
    "2024-01-01": "4.5",
    "2024-07-01": "4.5",
    "2025-01-01": "3.5",
    "2025-07-01": "2.5",
    "2026-01-01": "2.5",
}


def source_of(valid_from: datetime.date) -> str:
    last = (
        datetime.date(valid_from.year, 6, 30)
        if valid_from.month == 1
        else datetime.date(valid_from.year, 12, 31)
    )
    period = f"{valid_from.day}.{valid_from.month}.–{last.day}.{last.month}.{last.year}"
    return f"Suomen Pankin ilmoitus viitekorosta ja viivästyskoroista (korkolaki 633/1982, 12 a §), {period}"


def load_reference_rates(model=None) -> None:
    """Enter the rates above where a half-year has none; a rate an administrator entered is never changed."""
    if model is None:
        from avustamo.payments.models import ReferenceRate as model
    for day, rate in RATES.items():
        valid_from = datetime.date.fromisoformat(day)
        model.objects.get_or_create(
            valid_from=valid_from, defaults={"rate": Decimal(rate), "source": source_of(valid_from)}
        )
