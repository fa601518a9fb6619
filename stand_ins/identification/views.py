"""The stand-in's endpoints: discovery, keys, the test identification page, token, userinfo and a test control."""

import time

from authlib.oauth2 import OAuth2Error
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import provider

# Parameters of the test page's own form, not of the client's authorization request.
PAGE_FIELDS = {"person", "level", "action"}


@require_GET
def discovery(request):
    return JsonResponse(provider.metadata())


@require_GET
def jwks(request):
    return JsonResponse({"keys": [provider.signing_key().as_dict(private=False)]})


@require_http_methods(["GET", "POST"])
def authorize(request):
    """GET shows the test identification page; POST is the person's choice (or cancel), answered by a redirect
    to the client. The client's authorization request travels in the page's form, checked again on POST."""
    try:
        grant = provider.server().get_consent_grant(request)
    except OAuth2Error as error:
        return refusal(request, error)
    client_parameters = {
        name: value
        for name, value in {**request.GET.dict(), **request.POST.dict()}.items()
        if name not in PAGE_FIELDS
    }
    server = provider.server()
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            return server.create_authorization_response(grant.request, grant_user=None, grant=grant)
        person = provider.test_persons().get(request.POST.get("person", ""))
        level = request.POST.get("level")
        if person is not None and level in provider.LEVELS:
            identified = provider.identified_now(person, level, grant.client.get_client_id())
            return server.create_authorization_response(grant.request, grant_user=identified, grant=grant)
        problem = "Valitse testihenkilö ja varmuustaso."
    else:
        problem = ""
    return render(
        request,
        "identification/choose.html",
        {
            "client_parameters": sorted(client_parameters.items()),
            "persons": provider.test_persons().values(),
            "levels": [
                ("substantial", "Korotettu (substantial)", provider.LEVELS["substantial"]),
                ("high", "Korkea (high)", provider.LEVELS["high"]),
            ],
            "chosen_level": request.POST.get("level")
            or provider.level_requested(grant.request.payload.data.get("acr_values")),
            "chosen_person": request.POST.get("person", ""),
            "problem": problem,
            "client_id": grant.client.get_client_id(),
        },
        status=400 if problem else 200,
    )


def refusal(request, error: OAuth2Error):
    """An error the client can be told about goes back to it; one it cannot (unknown client, wrong redirect
    address) is shown here."""
    if getattr(error, "redirect_uri", None):
        return provider.server().handle_error_response(request, error)
    return render(
        request,
        "identification/refused.html",
        {"error": error.error, "description": error.get_error_description()},
        status=400,
    )


def wait_if_told():
    delay = provider.memory().delay_seconds
    if delay:
        time.sleep(delay)


@require_POST
def token(request):
    wait_if_told()
    return provider.server().create_token_response(request)


@require_http_methods(["GET", "POST"])
def userinfo(request):
    wait_if_told()
    scheme, _, access_token = request.headers.get("Authorization", "").partition(" ")
    body = provider.userinfo_response_for(access_token) if scheme.lower() == "bearer" else None
    if body is None:
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    return HttpResponse(body, content_type="application/jwt")


@require_POST
def control_delay(request):
    """Test control: POST seconds=N makes the token and userinfo endpoints wait N seconds (0 to stop)."""
    provider.memory().delay_seconds = float(request.POST.get("seconds") or 0)
    return JsonResponse({"delay_seconds": provider.memory().delay_seconds})
