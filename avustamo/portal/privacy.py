"""The privacy notice (GDPR articles 13 and 14): who controls the personal data, why, on what basis, where it comes
from and goes, how long each kind is kept (the retention table itself, `portal.retention.RULES`), and the data
subject's rights."""

from django.shortcuts import render

from avustamo.core.translation import language_code
from avustamo.portal.retention import RULES
from avustamo.programmes.models import Agency


def privacy_notice(request):
    language = language_code()
    controllers = [
        {
            "name": getattr(agency, f"name_{language}") or agency.name_fi,
            "website": agency.website,
            "email": agency.registry_email,
            "address": agency.registry_postal_address,
        }
        for agency in Agency.objects.order_by("code").only(
            "code", "name_fi", "name_sv", "name_en", "website", "registry_email", "registry_postal_address"
        )
    ]
    return render(request, "portal/privacy.html", {"controllers": controllers, "rules": RULES})
