"""The hearings of a grant on the pages of the apps above (templates compose by name, docs/adr/0008-layers.md)."""

from django import template

from avustamo.hearings import selectors
from avustamo.hearings.services import subjects_for

register = template.Library()


@register.simple_tag
def hearings_of(grant, user):
    """The grant's hearings, latest first, with their files, the state of each subject for deciding, and whether
    `user` may send a hearing request on it."""
    hearings = selectors.hearings_of(grant)
    return {
        "list": hearings,
        "states": selectors.hearing_state_list(hearings),
        "may_hear": bool(subjects_for(user, grant)),
    }
