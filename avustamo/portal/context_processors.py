from django.conf import settings

from avustamo.accounts.suomifi import identification_configured


def strong_identification(request) -> dict:
    """Whether pages may offer Suomi.fi e-Identification (the sign-in page, an organisation's page)."""
    return {
        "strong_identification_available": identification_configured(),
        "strong_identification_is_test": settings.SUOMIFI_OIDC_TEST_ENVIRONMENT,
    }
