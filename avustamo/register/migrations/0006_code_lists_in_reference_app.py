import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0001_code_lists_moved_from_programmes"),
        ("register", "0005_register_search_words_and_filter_indexes"),
    ]

    operations = [
        # The models moved between apps; their tables stay as they are, so only Django's record of them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="granttotal",
                    name="region",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reference.region",
                    ),
                ),
                migrations.AlterField(
                    model_name="publishedgrant",
                    name="municipality",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reference.municipality",
                        verbose_name="home municipality",
                    ),
                ),
                migrations.AlterField(
                    model_name="publishedgrant",
                    name="region",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reference.region",
                        verbose_name="region",
                    ),
                ),
            ],
        ),
    ]
