"""Retention of sign-in data (docs/retention.md)."""

from django.utils.translation import gettext_lazy as _

from avustamo.accounts.models import ApiToken
from avustamo.core.retention import Action, RetentionRule, delete_all

RULES = [
    RetentionRule(
        kind="api_token",
        records=_("Personal API tokens that have expired"),
        clock=_("the token expired"),
        action=Action.DELETE,
        basis=_("GDPR art. 5(1)(e) storage limitation: an expired token opens nothing."),
        years=1,
        due=lambda cutoff: ApiToken.objects.filter(expires_at__lte=cutoff),
        act=delete_all,
    ),
]
