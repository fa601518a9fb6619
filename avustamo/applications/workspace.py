"""The official's workspace of one application: the application as an official may see it, its tabs (each shown
only to those whose role allows it; the tabs name the pages of the apps above by their URL names), and the log of
who looked at it (Information Management Act 906/2019, 17 §)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from avustamo.applications.models import Application, ApplicationStatus
from avustamo.core.audit import audit


def official_application(request, pk: int, permission: str = "applications.read_as_official") -> Application:
    """The application for an official allowed to see it; the view is logged (Information Management Act §17)."""
    application = (
        Application.objects.select_related(
            "call__programme__agency", "organisation", "form", "submitted_by", "screening", "proposal"
        )
        .exclude(status=ApplicationStatus.DRAFT)
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    if not request.user.has_perm(permission, application):
        raise PermissionDenied
    return application


def log_application_view(request, application, page: str) -> None:
    audit(acting_user=request.user, action="application.viewed", target=application, page=page)


def _tabs(request, application) -> list[tuple[str, str]]:
    user = request.user
    tabs = []
    if user.has_perm("applications.read_as_official", application):
        tabs += [("official:application", _("Application")), ("official:application_history", _("History"))]
    if user.has_perm("reviews.screen_application", application):
        tabs.append(("official:application_screening", _("Screening")))
    if user.has_perm("reviews.assign_reviewers", application.call):
        tabs.append(("official:application_reviewers", _("Reviewers")))
    if user.has_perm("reviews.review_application", application):
        tabs.append(("official:application_review", _("My review")))
    if user.has_perm("decisions.draft_decision", application) or user.has_perm(
        "decisions.read_decision_as_official", application
    ):
        tabs.append(("official:application_decision", _("Proposal and decision")))
    return tabs


def workspace_context(request, application, **extra) -> dict:
    return {
        "application": application,
        "call": application.call,
        "tabs": _tabs(request, application),
        **extra,
    }
