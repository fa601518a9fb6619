"""Retention of organisations' invitations (docs/retention.md)."""

from django.utils.translation import gettext_lazy as _

from avustamo.core.retention import Action, RetentionRule, delete_all
from avustamo.organisations.models import Invitation

RULES = [
    RetentionRule(
        kind="invitation",
        records=_("Invitations to join an organisation (the invitee's email address)"),
        clock=_("the invitation expired"),
        action=Action.DELETE,
        basis=_("GDPR art. 5(1)(e) storage limitation: an expired invitation can no longer be accepted."),
        days=90,
        due=lambda cutoff: Invitation.objects.filter(expires_at__lte=cutoff),
        act=delete_all,
    ),
]
