import datetime

from django.db import migrations, models


def tokens_made_before_expiry_last_90_days(apps, schema_editor):
    """Tokens made before tokens expired get the default lifetime from their creation; some may be over already."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    for api_token in ApiToken.objects.all():
        api_token.expires_at = api_token.created_at + datetime.timedelta(days=90)
        api_token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_staff_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "read only"), ("read_write", "read and write")],
                default="read",
                max_length=10,
                verbose_name="rights",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_because",
            field=models.CharField(blank=True, max_length=30, verbose_name="revoked because"),
        ),
        migrations.RunPython(tokens_made_before_expiry_last_90_days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]
