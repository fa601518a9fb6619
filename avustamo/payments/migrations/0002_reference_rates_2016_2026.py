"""The reference rates of the Interest Act (633/1982, 12 §) from 2016, so that interest can be reckoned from any
payment within the ten years of 688/2001, 29 §. Each is the European Central Bank's main refinancing rate before
the half-year rounded up to the next half point, as the Bank of Finland announced it; an administrator enters
each new half-year's rate (docs/interest.md lists which were checked against the announcements)."""

import datetime
from decimal import Decimal

from django.db import migrations

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


def half_year_label(start: datetime.date) -> str:
    last = datetime.date(start.year, 6, 30) if start.month == 1 else datetime.date(start.year, 12, 31)
    return f"{start.day}.{start.month}.–{last.day}.{last.month}.{last.year}"


def enter_rates(apps, schema_editor):
    ReferenceRate = apps.get_model("payments", "ReferenceRate")
    for day, rate in RATES.items():
        valid_from = datetime.date.fromisoformat(day)
        ReferenceRate.objects.get_or_create(
            valid_from=valid_from,
            defaults={
                "rate": Decimal(rate),
                "source": "Suomen Pankin ilmoitus viitekorosta ja viivästyskoroista "
                f"(korkolaki 633/1982, 12 a §), {half_year_label(valid_from)}",
            },
        )


def remove_rates(apps, schema_editor):
    ReferenceRate = apps.get_model("payments", "ReferenceRate")
    ReferenceRate.objects.filter(
        valid_from__in=[datetime.date.fromisoformat(day) for day in RATES], entered_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_reference_rates")]

    operations = [migrations.RunPython(enter_rates, remove_rates)]
