import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("programmes", "0006_call_extension_notice_days"),
    ]

    operations = [
        # The models moved between apps; their tables stay as they are, so only Django's record of them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Region",
                    fields=[
                        (
                            "code",
                            models.CharField(
                                max_length=2, primary_key=True, serialize=False, verbose_name="code"
                            ),
                        ),
                        ("name_fi", models.CharField(max_length=100, verbose_name="name in Finnish")),
                        ("name_sv", models.CharField(max_length=100, verbose_name="name in Swedish")),
                        ("name_en", models.CharField(max_length=100, verbose_name="name in English")),
                    ],
                    options={
                        "verbose_name": "region",
                        "verbose_name_plural": "regions",
                        "db_table": "programmes_region",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="Municipality",
                    fields=[
                        (
                            "code",
                            models.CharField(
                                max_length=3,
                                primary_key=True,
                                serialize=False,
                                verbose_name="municipality number",
                            ),
                        ),
                        ("name_fi", models.CharField(max_length=100, verbose_name="name in Finnish")),
                        ("name_sv", models.CharField(max_length=100, verbose_name="name in Swedish")),
                        (
                            "valid_from_year",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="Empty when in force since before the code list begins.",
                                null=True,
                                verbose_name="valid from (year)",
                            ),
                        ),
                        (
                            "valid_until_year",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                help_text="The last year the municipality existed.",
                                null=True,
                                verbose_name="valid until (year)",
                            ),
                        ),
                        (
                            "region",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="municipalities",
                                to="reference.region",
                                verbose_name="region",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "municipality",
                        "verbose_name_plural": "municipalities",
                        "db_table": "programmes_municipality",
                        "ordering": ["name_fi"],
                    },
                ),
            ],
        ),
    ]
