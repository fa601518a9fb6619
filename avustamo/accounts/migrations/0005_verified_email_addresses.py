from django.db import migrations


def existing_addresses_verified(apps, schema_editor):
    """People who signed up before email verification keep signing in: the address they have used so far becomes
    their verified primary address (allauth's EmailAddress)."""
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email="").iterator():
        EmailAddress.objects.update_or_create(
            user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_token_expiry_and_scope"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(existing_addresses_verified, migrations.RunPython.noop)]
