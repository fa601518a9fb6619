import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0001_grants_moved_from_payments_and_decisions"),
        ("payments", "0008_recovery_decisions_grounds_and_voluntary_returns"),
        ("reports", "0002_grants_in_their_own_app"),
    ]

    operations = [
        # The models moved between apps; their tables stay as they are, so only Django's record of them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="grant",
                    name="answered_by",
                ),
                migrations.RemoveField(
                    model_name="grant",
                    name="application",
                ),
                migrations.RemoveField(
                    model_name="grant",
                    name="decision",
                ),
                migrations.AlterField(
                    model_name="instalment",
                    name="grant",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="instalments",
                        to="grants.grant",
                        verbose_name="grant",
                    ),
                ),
                migrations.AlterField(
                    model_name="paymentapplication",
                    name="grant",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payment_applications",
                        to="grants.grant",
                        verbose_name="grant",
                    ),
                ),
                migrations.AlterField(
                    model_name="ledgerentry",
                    name="grant",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger",
                        to="grants.grant",
                        verbose_name="grant",
                    ),
                ),
                migrations.AlterField(
                    model_name="returnclaim",
                    name="grant",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="return_claims",
                        to="grants.grant",
                        verbose_name="grant",
                    ),
                ),
                migrations.AlterField(
                    model_name="recoverygrounds",
                    name="grant",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="recovery_grounds",
                        to="grants.grant",
                        verbose_name="grant",
                    ),
                ),
                migrations.AlterField(
                    model_name="voluntaryreturn",
                    name="grant",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="voluntary_returns",
                        to="grants.grant",
                        verbose_name="grant",
                    ),
                ),
                migrations.DeleteModel(
                    name="Grant",
                ),
            ],
        ),
    ]
