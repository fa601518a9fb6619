"""Answers to allauth's signals."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.signals import authenticator_added
from django.dispatch import receiver

from avustamo.accounts.selectors import SECOND_FACTORS


@receiver(authenticator_added)
def second_factor_set_up_counts_as_used(sender, request, user, authenticator, **kwargs):
    """Setting up an authenticator app or a passkey proves the person holds it (allauth checks its first code or
    signature), so the session counts as signed in with the second factor; otherwise the person would be asked
    for a code right after entering one."""
    if authenticator.type in SECOND_FACTORS and request is not None:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
