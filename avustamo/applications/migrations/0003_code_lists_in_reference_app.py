from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0002_completion_requests_and_submitted_versions"),
        ("reference", "0001_code_lists_moved_from_programmes"),
    ]

    operations = [
        # The models moved between apps; their tables stay as they are, so only Django's record of them changes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="regions",
                    field=models.ManyToManyField(
                        blank=True, related_name="applications", to="reference.region", verbose_name="regions"
                    ),
                ),
            ],
        ),
    ]
