import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0001_organisations_memberships_invitations"),
        ("reference", "0001_code_lists_moved_from_programmes"),
    ]

    operations = [
        # The models moved between apps; their tables stay as they are, so only Django's record of them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historicalorganisation",
                    name="home_municipality",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="reference.municipality",
                        verbose_name="home municipality",
                    ),
                ),
                migrations.AlterField(
                    model_name="organisation",
                    name="home_municipality",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="organisations",
                        to="reference.municipality",
                        verbose_name="home municipality",
                    ),
                ),
            ],
        ),
    ]
