"""Reads of grants: the grant of an application, the terms in force after change decisions, change requests."""

import dataclasses
import datetime

from avustamo.core.money import to_cents
from avustamo.decisions.models import Decision, DecisionStatus
from avustamo.decisions.selectors import applied_budget
from avustamo.grants.models import (
    ChangeKind,
    ChangeOutcome,
    ChangePart,
    ChangeRequest,
    ChangeRequestStatus,
    Grant,
)
from avustamo.programmes.application_form.budget import COST_CATEGORIES, BudgetFigures


def _change_parts_in_force(grant, kind: str) -> list[ChangePart]:
    """The accepted parts of one kind of the grant's change decisions, in the order the decisions were made.

    A correcting decision restates every term, so only change decisions made after the decision in force count."""
    parts = ChangePart.objects.filter(
        request__grant=grant,
        request__status=ChangeRequestStatus.DECIDED,
        kind=kind,
        outcome__in=ChangeOutcome.in_force(),
    )
    if grant.decision.published_at is not None:
        parts = parts.filter(request__decided_at__gte=grant.decision.published_at)
    return list(parts.order_by("request__decided_at", "request_id"))


def approved_budget(grant) -> BudgetFigures:
    """The budget by cost category the grant's money is used against: the application's, as change decisions
    have moved money between categories since."""
    budget = applied_budget(grant.application)
    for part in _change_parts_in_force(grant, ChangeKind.BUDGET):
        costs = {category: to_cents(part.decided_budget.get(category, 0)) for category in COST_CATEGORIES}
        budget = dataclasses.replace(budget, costs=costs)
    return budget


def period_in_force(grant) -> tuple[datetime.date | None, datetime.date | None]:
    """The period of use: the decision's, as change decisions have extended it since."""
    start, end = grant.decision.period_start, grant.decision.period_end
    for part in _change_parts_in_force(grant, ChangeKind.EXTENSION):
        end = part.decided_period_end
    return start, end


def content_changes_in_force(grant) -> list[ChangePart]:
    """The changes of content accepted by change decisions, oldest first."""
    return _change_parts_in_force(grant, ChangeKind.CONTENT)


def change_requests_of(grant) -> list[ChangeRequest]:
    return list(
        grant.change_requests.select_related("submitted_by", "decided_by")
        .prefetch_related("parts")
        .order_by("submitted_at", "pk")
    )


def open_change_request(grant) -> ChangeRequest | None:
    return grant.change_requests.filter(status=ChangeRequestStatus.OPEN).first()


def change_request(pk: int) -> ChangeRequest | None:
    return (
        ChangeRequest.objects.select_related(
            "grant__decision__presenter",
            "grant__application__call__programme__agency",
            "grant__application__organisation",
            "submitted_by",
            "decided_by",
        )
        .filter(pk=pk)
        .first()
    )


def extension_deadline(grant) -> datetime.date | None:
    """The last day an extension of the period of use may be asked: the call's days before the period ends."""
    _start, end = period_in_force(grant)
    if end is None:
        return None
    return end - datetime.timedelta(days=grant.application.call.extension_notice_days)


def grant_of_application(application) -> Grant | None:
    return Grant.objects.filter(application=application).select_related("answered_by").first()


def grant_of_application_pk(application_pk: int) -> Grant | None:
    return (
        Grant.objects.select_related("decision", "application").filter(application_id=application_pk).first()
    )


def signed_decision_count(call) -> int:
    """How many of the call's decisions are signed and wait to be published."""
    return Decision.objects.filter(application__call=call, status=DecisionStatus.SIGNED).count()
