"""The applicant's timeline of an application, shown on the application's page by the app below this one."""

from django import template

from avustamo.portal.timeline import application_timeline

register = template.Library()


@register.simple_tag
def timeline_of(application):
    return application_timeline(application)
