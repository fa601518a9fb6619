from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from avustamo.accounts import suomifi


@require_GET
@cache_control(public=True, max_age=300)
def jwks(request):
    """Our public keys, at the jwks_uri registered with Suomi.fi: the provider verifies our request objects and
    client assertions with the signing key and encrypts the ID token and userinfo to the encryption key."""
    return JsonResponse(suomifi.public_jwks())
