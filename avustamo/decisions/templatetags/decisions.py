"""Decisions shown on the pages of the apps below: the applicant's application page tells of its decision."""

from django import template

from avustamo.decisions.selectors import published_decision

register = template.Library()


@register.simple_tag
def published_decision_of(application):
    """The application's current published decision, or None."""
    return published_decision(application_pk=application.pk)
