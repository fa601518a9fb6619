"""Reads for requests for review: the decisions of a case that can be contested, the requests of a case, and the
register of requests."""

from django.contrib.contenttypes.models import ContentType

from avustamo.core.models import DecisionNotice
from avustamo.decisions.models import Decision
from avustamo.review_requests.models import ReviewRequest


def contestable_notices(application):
    """The notices of the decisions of the application's case (grant, change and return decisions and the later
    kinds), which carry the case's register number. A decision on a request for review has the request's own
    number: it is appealed to a court, not reviewed again; nor is a correcting grant decision that carries out an
    accepted request, whose instructions point to the appeal of that decision."""
    carrying_out = ReviewRequest.objects.filter(application=application, correction__isnull=False).values(
        "correction"
    )
    return (
        DecisionNotice.objects.filter(register_number=application.register_number)
        .exclude(target_type=ContentType.objects.get_for_model(Decision), target_id__in=carrying_out)
        .order_by("created_at", "id")
    )


def review_requests_of(application):
    return application.review_requests.select_related("contested", "presenter", "decision_maker").order_by(
        "arrived_on", "id"
    )


def review_request_register(*, status: str = ""):
    """Every request for review, newest first, with its case; `status` narrows it to one status."""
    requests = ReviewRequest.objects.select_related(
        "application__organisation", "application__call", "contested", "presenter", "decision_maker"
    )
    if status:
        requests = requests.filter(status=status)
    return requests
