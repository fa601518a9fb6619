"""Deployment checks (`manage.py check`): settings that would otherwise fail at a person's first identification."""

from django.conf import settings
from django.core import checks

from avustamo.accounts.suomifi import identification_configured


@checks.register(checks.Tags.security, deploy=False)
def person_key_secret_with_identification(app_configs, **kwargs):
    if identification_configured() and not settings.PERSON_KEY_SECRET:
        return [
            checks.Error(
                "Suomi.fi identification is configured but PERSON_KEY_SECRET is not set.",
                hint="Set PERSON_KEY_SECRET to a long random value and never change it (docs/identity.md).",
                id="avustamo.E001",
            )
        ]
    return []
