"""Reads for the pages that gather several apps: the handling list of a call with its proposals and decisions,
the call's totals, and the applicant's applications with their decisions."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Subquery, Sum

from avustamo.applications.models import Application, ApplicationStatus, CompletionRequest
from avustamo.applications.selectors import applications_for_person
from avustamo.core.dates import helsinki_today
from avustamo.decisions.models import Decision, DecisionStatus
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

    @property
    def lists_every_application(self) -> bool:
        return not (self.query.strip() or self.status or self.screening or self.region)


def handling_list(call: Call, filters: HandlingFilters):
    """The call's submitted applications with everything the list shows, in a fixed number of queries.

    Without the answers, which the list does not show and which are most of a row; and without DISTINCT: the
    filters on regions and completion requests ask whether one exists, so no row is repeated."""
    rows = (
        handled_applications(call)
        .defer("answers")
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
            Exists(
                CompletionRequest.objects.filter(
                    application=OuterRef("pk"), answered_at__isnull=True, reply_by__lt=helsinki_today()
                )
            ),
            status=ApplicationStatus.COMPLETION_REQUESTED,
        )
    elif filters.status in HANDLED_STATUSES:
        rows = rows.filter(status=filters.status)
    if filters.screening == "unscreened":
        rows = rows.filter(screening__isnull=True)
    elif filters.screening in ScreeningResult.values:
        rows = rows.filter(screening__result=filters.screening)
    if filters.region:
        rows = rows.filter(
            Exists(
                Application.regions.through.objects.filter(application=OuterRef("pk"), region=filters.region)
            )
        )
    return rows.order_by(*SORTS.get(filters.sort, SORTS["number"]))


@dataclass(frozen=True)
class CallTotals:
    applications: int
    requested: Decimal
    proposed: Decimal
    appropriation: Decimal | None
    signed_decisions: int

    @property
    def left(self) -> Decimal | None:
        return None if self.appropriation is None else self.appropriation - self.proposed

    @property
    def exceeded(self) -> bool:
        return self.appropriation is not None and self.proposed > self.appropriation


def call_totals(call: Call) -> CallTotals:
    """The call's figures over all its handled applications, and its signed decisions waiting to be published,
    in one statement."""
    signed = (
        Decision.objects.filter(application__call=call, status=DecisionStatus.SIGNED)
        .order_by()
        .values("application__call")
        .annotate(count=Count("pk"))
        .values("count")
    )
    totals = handled_applications(call).aggregate(
        count=Count("pk"),
        requested=Sum("requested_amount"),
        # A grant its recipient declined frees its money for the call.
        proposed=Sum("proposal__amount", filter=~Q(grant__status=GrantStatus.DECLINED)),
        # The same number on every row: Max() only lets the count ride along with the aggregate.
        signed=Max(Subquery(signed)),
    )
    return CallTotals(
        applications=totals["count"],
        requested=totals["requested"] or Decimal(0),
        proposed=totals["proposed"] or Decimal(0),
        appropriation=call.appropriation,
        signed_decisions=totals["signed"] or 0,
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
