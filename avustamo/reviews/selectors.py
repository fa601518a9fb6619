"""Reads for handling a call: the handling list with its filters, ranking and totals."""

from django.db.models import Avg, Count, Q

from avustamo.applications.models import Application, ApplicationStatus
from avustamo.programmes.models import Call
from avustamo.reviews.models import ReviewAssignment

HANDLED_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.COMPLETION_REQUESTED)


def handled_applications(call: Call):
    return Application.objects.filter(call=call, status__in=HANDLED_STATUSES)


def average_score():
    return Avg("review_assignments__weighted_score", filter=Q(review_assignments__submitted_at__isnull=False))


def call_ranking(call: Call) -> dict[int, int]:
    """Application id → rank by the reviewers' average weighted score (1 is best); unscored ones are unranked."""
    scored = (
        handled_applications(call)
        # Grouped by the id alone: grouped by the whole row, the database would sort every answer of the call.
        .values("pk")
        .annotate(average_score=average_score())
        .filter(average_score__isnull=False)
        .order_by("-average_score")
        .values_list("pk", "average_score")
    )
    ranking, previous, rank = {}, None, 0
    for position, (pk, score) in enumerate(scored, start=1):
        if score != previous:
            rank, previous = position, score
        ranking[pk] = rank
    return ranking


def reviewers_needed(call: Call) -> list[Application]:
    """Applications with fewer reviewers free of conflict than the call asks for."""
    return list(
        handled_applications(call)
        .annotate(
            usable=Count(
                "review_assignments",
                filter=~Q(review_assignments__conflict=ReviewAssignment.Conflict.CONFLICTED),
            ),
            conflicted=Count(
                "review_assignments",
                filter=Q(review_assignments__conflict=ReviewAssignment.Conflict.CONFLICTED),
            ),
        )
        .filter(usable__lt=call.min_reviewers)
        .prefetch_related("review_assignments")
        .order_by("submitted_at")
    )


def assignments_for_reviewer(user):
    return (
        ReviewAssignment.objects.filter(reviewer=user)
        .select_related("application__call", "application__organisation")
        .order_by("submitted_at", "application__call__closes_at", "application__submitted_at")
    )


def applications_presented_by(user):
    """Applications whose own presenter the person is (beside the calls they present)."""
    return (
        Application.objects.filter(presenter_assignment__person=user, status__in=HANDLED_STATUSES)
        .select_related("call")
        .order_by("call__closes_at", "submitted_at")
    )
