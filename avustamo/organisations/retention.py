"""Retention of organisations' invitations and of the checks of the right to act that no act was made under
(docs/retention.md)."""

from django.utils.translation import gettext_lazy as _

from avustamo.core.retention import Action, RetentionRule, delete_all
from avustamo.organisations.models import AuthorityCheck, Invitation


def unused_authority_checks(cutoff):
    """Checks made on or before the cut-off that no act refers to. The acts are in the apps above this one (an
    application sent, a grant answered, a report...): their references are found through the reverse relations
    Django records on the model, so this layer imports none of them."""
    checks = AuthorityCheck.objects.filter(checked_at__lte=cutoff)
    for relation in AuthorityCheck._meta.get_fields(include_hidden=True):
        if relation.one_to_many and relation.auto_created and not relation.concrete:
            name = relation.field.name
            referring = relation.related_model._base_manager.filter(**{f"{name}__isnull": False}).values(name)
            checks = checks.exclude(pk__in=referring)
    return checks


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
    RetentionRule(
        kind="unused_authority_check",
        records=_(
            "Answers of Suomi.fi e-Authorizations and other checks of the right to act that no application, "
            "report or other act was sent under"
        ),
        clock=_("the check was made"),
        action=Action.DELETE,
        basis=_(
            "GDPR art. 5(1)(e) storage limitation; a check that an act was sent under is kept with the act, as "
            "the record of the authority it was sent on."
        ),
        years=1,
        due=unused_authority_checks,
        act=delete_all,
    ),
]
