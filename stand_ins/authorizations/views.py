"""The Web API's calls, the selection page and the test controls."""

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime, timedelta

from authlib.oauth2 import OAuth2Error
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stand_ins.authorizations.oauth import resource_protector, server
from stand_ins.authorizations.registry import registry


def as_test_controls_say(view):
    """Answers late, or with an error status, when a test control has asked for it."""

    def controlled(request, *args, **kwargs):
        if registry.behaviour.delay_seconds:
            time.sleep(registry.behaviour.delay_seconds)
        if registry.behaviour.failure_status:
            return JsonResponse(
                {"error": "failure set by a test control"}, status=registry.behaviour.failure_status
            )
        return view(request, *args, **kwargs)

    return controlled


def signed(view):
    def checked(request, *args, **kwargs):
        return checksum_refusal(request) or view(request, *args, **kwargs)

    return checked


def checksum_refusal(request) -> HttpResponse | None:
    """Refuses a call whose `X-AsiointivaltuudetAuthorization` is missing, stale or wrongly signed."""
    parts = request.headers.get("X-AsiointivaltuudetAuthorization", "").split(" ")
    if len(parts) != 3:
        return refuse("X-AsiointivaltuudetAuthorization must be: client id, time stamp and checksum")
    client_id, timestamp, checksum = parts
    if not hmac.compare_digest(client_id.encode(), settings.CLIENT_ID.encode()):
        return refuse("unknown Web API client id")
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return refuse("the time stamp is not ISO 8601")
    if moment.tzinfo is None:
        return refuse("the time stamp has no time zone")
    if abs(timezone.now() - moment) > timedelta(seconds=settings.CLOCK_SKEW_SECONDS):
        return refuse("the time stamp is more than five minutes off")
    signed = f"{request.get_full_path()} {timestamp}".encode()
    expected = base64.b64encode(hmac.new(settings.API_KEY.encode(), signed, hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(checksum.encode(), expected.encode()):
        return refuse("wrong checksum")
    return None


def refuse(reason: str, status: int = 403) -> JsonResponse:
    return JsonResponse({"error": reason}, status=status)


def session_and_token_or_401(request, session_id):
    """The live session the bearer token was issued in, or None: an expired session answers 401."""
    session = registry.live_session(session_id)
    try:
        token = resource_protector.acquire_token(request)
    except OAuth2Error:
        return None
    return session if session is not None and token.session is session else None


@require_GET
@as_test_controls_say
@signed
def register(request, client_id, identity_code):
    if client_id != settings.CLIENT_ID:
        return refuse("the path's client id is not the header's")
    if not request.GET.get("requestId"):
        return refuse("requestId is required", status=400)
    session = registry.open_session(identity_code)
    return JsonResponse({"sessionId": session.session_id, "userId": session.user_id})


@require_http_methods(["GET", "POST"])
def authorize(request):
    """The selection page: the person chooses the organisation they act for, or cancels."""
    session = registry.live_session_of_user(request.GET.get("user", ""))
    if session is None:
        return render(request, "selection_expired.html", status=400)
    try:
        grant = server.get_consent_grant(request, end_user=session)
    except OAuth2Error as error:
        return server.handle_error_response(request, error)
    choices = registry.organisations_to_choose(session.identity_code)
    if request.method == "GET":
        return render(request, "selection.html", {"organisations": choices})
    if "cancel" in request.POST:
        return server.create_authorization_response(request, grant_user=None, grant=grant)
    chosen = request.POST.get("business_id")
    if chosen not in {choice["business_id"] for choice in choices}:
        return render(request, "selection.html", {"organisations": choices, "not_chosen": True}, status=400)
    session.chosen_business_id = chosen
    return server.create_authorization_response(request, grant_user=session, grant=grant)


@csrf_exempt
@require_POST
@as_test_controls_say
def token(request):
    return server.create_token_response(request)


@require_GET
@as_test_controls_say
@signed
def organisation_roles(request, session_id):
    session = session_and_token_or_401(request, session_id)
    if session is None:
        return refuse("the Web API session has expired or the token is not its", status=401)
    if not request.GET.get("requestId"):
        return refuse("requestId is required", status=400)
    entry = registry.roles_in(session.identity_code, session.chosen_business_id or "")
    if entry is None:
        # Chosen by a mandate alone: the organisation with no register roles, so the service knows which one was
        # chosen and asks Authorization about the mandate. DVV's public pages do not show this answer; the
        # stand-in's choice is marked unverified in docs/identity.md.
        entry = next(
            (
                {**choice, "roles": []}
                for choice in registry.organisations_to_choose(session.identity_code)
                if choice["business_id"] == session.chosen_business_id
            ),
            None,
        )
    organisations = (
        [
            {
                "name": entry["name"],
                "identifier": entry["business_id"],
                "roles": entry["roles"],
                "complete": True,
            }
        ]
        if entry
        else []
    )
    return JsonResponse(organisations, safe=False)


@require_GET
@as_test_controls_say
@signed
def authorization(request, session_id, principal_id):
    session = session_and_token_or_401(request, session_id)
    if session is None:
        return refuse("the Web API session has expired or the token is not its", status=401)
    issues = request.GET.getlist("issues")
    if not request.GET.get("requestId") or not issues:
        return refuse("requestId and issues are required", status=400)
    allowed = all(registry.has_mandate(session.identity_code, principal_id, issue) for issue in issues)
    return JsonResponse({"result": "ALLOWED" if allowed else "DISALLOWED", "reasons": []})


# Test controls: not part of the real service. They exist only when AUTHORIZATIONS_STAND_IN_CONTROL_TOKEN is set.


def test_control(view):
    @csrf_exempt
    @require_POST
    def guarded(request):
        token = request.headers.get("X-Stand-In-Control-Token", "")
        if not settings.CONTROL_TOKEN or not hmac.compare_digest(
            token.encode(), settings.CONTROL_TOKEN.encode()
        ):
            return HttpResponse(status=404)
        try:
            orders = json.loads(request.body or b"{}")
        except ValueError:
            return refuse("the body must be JSON", status=400)
        return view(orders)

    return guarded


@test_control
def end_role(orders):
    ended = registry.end_role(
        orders["national_identification_number"], orders["business_id"], orders.get("role")
    )
    return JsonResponse({"ended": ended}, status=200 if ended else 404)


@test_control
def end_mandate(orders):
    ended = registry.end_mandate(
        orders["national_identification_number"], orders["business_id"], orders["issue"]
    )
    return JsonResponse({"ended": ended}, status=200 if ended else 404)


@test_control
def behaviour(orders):
    registry.behaviour.delay_seconds = float(orders.get("delay_seconds", 0))
    registry.behaviour.failure_status = orders.get("failure_status")
    return JsonResponse(
        {
            "delay_seconds": registry.behaviour.delay_seconds,
            "failure_status": registry.behaviour.failure_status,
        }
    )


@test_control
def expire_sessions(orders):
    registry.expire_sessions()
    return JsonResponse({"expired": True})


@test_control
def reset(orders):
    registry.reset()
    return JsonResponse({"reset": True})
