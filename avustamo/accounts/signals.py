"""Answers to allauth's and Django's signals."""

import time

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.signals import authenticator_added
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from avustamo.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from avustamo.accounts.selectors import SECOND_FACTORS, is_staff_person


@receiver(authenticator_added)
def second_factor_set_up_counts_as_used(sender, request, user, authenticator, **kwargs):
    """Setting up an authenticator app or a passkey proves the person holds it (allauth checks its first code or
    signature), so the session counts as signed in with the second factor; otherwise the person would be asked
    for a code right after entering one."""
    if authenticator.type in SECOND_FACTORS and request is not None:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)


@receiver(user_logged_in)
def staff_session_starts_at_sign_in(sender, request, user, **kwargs):
    """A staff session's working day and idle time count from signing in."""
    if request is not None and hasattr(request, "session") and is_staff_person(user):
        now = time.time()
        request.session[SESSION_STARTED] = now
        request.session[SESSION_LAST_SEEN] = now
