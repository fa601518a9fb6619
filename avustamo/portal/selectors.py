"""Reads for the pages that gather several apps: the handling list of a call with its proposals and decisions,
the call's totals, and the applicant's applications with their decisions."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum

from avustamo.applications.models import ApplicationStatus, CompletionRequest
from avustamo.applications.selectors import applications_for_person
from avustamo.core.dates import helsinki_today
from avustamo.decisions.models import Decision
from avustamo.grants.models import GrantStatus
from avustamo.programmes.models import Call
from avustamo.reviews.models import ReviewAssignment, ScreeningResult
from avustamo.reviews.selectors import HANDLED_STATUSES, average_score, handled_applications

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


def handling_list(call: Call, filters: HandlingFilters):
    """The call's submitted applications with everything the list shows, in a fixed number of queries."""
    rows = (
        handled_applications(call)
        .select_related("organisation", "screening", "proposal")
        .annotate(average_score=average_score())
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


def applications_with_published_decisions(*, person):
    """The person's applications, each with `published_decisions` (newest first) for the list of applications."""
    from django.db.models import Prefetch

    from avustamo.decisions.models import Decision

    return applications_for_person(person=person).prefetch_related(
        Prefetch(
            "decisions",
            queryset=Decision.objects.published().order_by("-published_at", "-pk"),
            to_attr="published_decisions",
        )
    )
