"""What staff sessions must satisfy: a second factor, and an end after idling or after a working day.

A staff person is an official (`is_staff`) or anyone granted a staff role. Applicants are not concerned.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from avustamo.accounts.selectors import has_second_factor, is_staff_person, session_used_second_factor

SESSION_STARTED = "staff_session_started_at"
SESSION_LAST_SEEN = "staff_session_last_seen_at"
# How stale the last-seen time may be: an idle limit of 30 minutes ends a session within 30 to 31 minutes.
LAST_SEEN_RESOLUTION_SECONDS = 60

# Pages a staff person may open before the second factor: signing out, the second factor's own pages, and the
# account pages they lead through (confirming the password, verifying the address).
BEFORE_SECOND_FACTOR = {
    "account_logout",
    "account_reauthenticate",
    "account_email_verification_sent",
    "account_confirm_email",
    "set_language",
    "health",
}
# The API checks officials' tokens itself (accounts.services.user_for_api_token); static files need no check.
UNCHECKED_PREFIXES = ("/api/", "/static/")


def _url_name(request) -> str:
    try:
        return resolve(request.path_info).url_name or ""
    except Resolver404:
        return ""


def _unchecked(request) -> bool:
    return request.path_info.startswith(UNCHECKED_PREFIXES)


class StaffSessionLimitsMiddleware:
    """Ends a staff session after STAFF_SESSION_IDLE_MINUTES without a request, or STAFF_SESSION_MAX_HOURS after it
    began, and tells the person why on the sign-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_staff_person(request.user) and not _unchecked(request):
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle_limit = settings.STAFF_SESSION_IDLE_MINUTES * 60
            max_length = settings.STAFF_SESSION_MAX_HOURS * 3600
            if now - last_seen >= idle_limit or now - started >= max_length:
                logout(request)
                messages.info(request, _("Your session has ended. Please sign in again."))
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
            # Written at most once a minute, so that a staff page does not save its session on every request.
            if now - request.session.get(SESSION_LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[SESSION_LAST_SEEN] = now
                # The stored session and its cookie end at the maximum at the latest; until then it is kept, so
                # that a person back after idling is told why they must sign in again.
                request.session.set_expiry(int(max_length - (now - started)) + 1)
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Sends a staff person without an authenticator to set one up, and one who has not used it in this session
    to use it, before any other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_staff_person(request.user) or _unchecked(request):
            return self.get_response(request)
        url_name = _url_name(request)
        if url_name in BEFORE_SECOND_FACTOR:
            return self.get_response(request)
        next_query = urlencode({"next": request.get_full_path()})
        if not has_second_factor(request.user):
            if url_name.startswith("mfa_"):
                return self.get_response(request)
            return redirect(f"{reverse('mfa_index')}?{next_query}")
        if not session_used_second_factor(request):
            if url_name.startswith("mfa_reauthenticate"):
                return self.get_response(request)
            return redirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
        return self.get_response(request)
