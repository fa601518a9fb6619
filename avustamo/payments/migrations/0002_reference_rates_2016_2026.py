"""The reference rates of the Interest Act (633/1982, 12 §) from 2016, so that interest can be reckoned from any
payment within the ten years of 688/2001, 29 §."""

import datetime

from django.db import migrations

from avustamo.payments.reference_rates import RATES, load_reference_rates


def enter_rates(apps, schema_editor):
    load_reference_rates(apps.get_model("payments", "ReferenceRate"))


def remove_rates(apps, schema_editor):
    ReferenceRate = apps.get_model("payments", "ReferenceRate")
    ReferenceRate.objects.filter(
        valid_from__in=[datetime.date.fromisoformat(day) for day in RATES], entered_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_reference_rates")]

    operations = [migrations.RunPython(enter_rates, remove_rates)]
