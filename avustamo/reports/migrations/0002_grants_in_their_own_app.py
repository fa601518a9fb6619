import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0001_grants_moved_from_payments_and_decisions"),
        ("reports", "0001_reports_forms_review_and_reminders"),
    ]

    operations = [
        # The models moved between apps; their tables stay as they are, so only Django's record of them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="report",
                    name="grant",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reports",
                        to="grants.grant",
                        verbose_name="grant",
                    ),
                ),
                migrations.AlterField(
                    model_name="reportreminder",
                    name="grant",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="report_reminders",
                        to="grants.grant",
                        verbose_name="grant",
                    ),
                ),
            ],
        ),
    ]
