"""Reads for handling a call: the handling list with its filters, ranking and totals."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, Q, Sum

from avustamo.applications.models import Application, ApplicationStatus, CompletionRequest
from avustamo.core.dates import helsinki_today
from avustamo.decisions.models import Decision
from avustamo.grants.models import GrantStatus
from avustamo.programmes.models import Call
from avustamo.reviews.models import ReviewAssignment, ScreeningResult

HANDLED_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.COMPLETION_REQUESTED)

SORTS = {
    "number": ("submitted_at", "pk"),
    "applicant": ("applicant_name", "pk"),
    "requested": ("requested_amount", "pk"),
    "-requested": ("-requested_amount", "pk"),
    "score": ("-average_score", "submitted_at", "pk"),
    "proposal": ("-proposal__amount", "pk"),
}


@dataclass(frozen=True)
class HandlingFilters:
    query: str = ""
    status: str = ""
    screening: str = ""
    region: str = ""
    sort: str = "number"


def handled_applications(call: Call):
    return Application.objects.filter(call=call, status__in=HANDLED_STATUSES)


def _average_score():
    return Avg("review_assignments__weighted_score", filter=Q(review_assignments__submitted_at__isnull=False))


def call_ranking(call: Call) -> dict[int, int]:
    """Application id → rank by the reviewers' average weighted score (1 is best); unscored ones are unranked."""
    scored = (
        handled_applications(call)
        .annotate(average_score=_average_score())
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


def handling_list(call: Call, filters: HandlingFilters):
    """The call's submitted applications with everything the list shows, in a fixed number of queries."""
    rows = (
        handled_applications(call)
        .select_related("organisation", "screening", "proposal")
        .annotate(average_score=_average_score())
        .prefetch_related(
            "regions",
            Prefetch(
                "review_assignments",
                queryset=ReviewAssignment.objects.select_related("reviewer").order_by("pk"),
            ),
            Prefetch(
                "completion_requests",
                queryset=CompletionRequest.objects.filter(answered_at__isnull=True),
                to_attr="open_requests",
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(corrected_by__isnull=True).order_by("-pk"),
                to_attr="current_decisions",
            ),
        )
    )
    if filters.query:
        query = filters.query.strip()
        rows = rows.filter(
            Q(applicant_name__icontains=query)
            | Q(project_name__icontains=query)
            | Q(register_number__icontains=query)
            | Q(applicant_business_id__icontains=query)
        )
    if filters.status == "completion_overdue":
        rows = rows.filter(
            status=ApplicationStatus.COMPLETION_REQUESTED,
            completion_requests__answered_at__isnull=True,
            completion_requests__reply_by__lt=helsinki_today(),
        )
    elif filters.status in HANDLED_STATUSES:
        rows = rows.filter(status=filters.status)
    if filters.screening == "unscreened":
        rows = rows.filter(screening__isnull=True)
    elif filters.screening in ScreeningResult.values:
        rows = rows.filter(screening__result=filters.screening)
    if filters.region:
        rows = rows.filter(regions__code=filters.region)
    return rows.order_by(*SORTS.get(filters.sort, SORTS["number"])).distinct()


@dataclass(frozen=True)
class CallTotals:
    applications: int
    requested: Decimal
    proposed: Decimal
    appropriation: Decimal | None

    @property
    def left(self) -> Decimal | None:
        return None if self.appropriation is None else self.appropriation - self.proposed

    @property
    def exceeded(self) -> bool:
        return self.appropriation is not None and self.proposed > self.appropriation


def call_totals(call: Call) -> CallTotals:
    totals = handled_applications(call).aggregate(
        count=Count("pk"),
        requested=Sum("requested_amount"),
        # A grant its recipient declined frees its money for the call.
        proposed=Sum("proposal__amount", filter=~Q(grant__status=GrantStatus.DECLINED)),
    )
    return CallTotals(
        applications=totals["count"],
        requested=totals["requested"] or Decimal(0),
        proposed=totals["proposed"] or Decimal(0),
        appropriation=call.appropriation,
    )


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
