"""Reads of grants: the grant of an application, the terms in force after change decisions, change requests."""

import dataclasses
import datetime

from django.db.models import Exists, OuterRef

from avustamo.core.money import to_cents
from avustamo.decisions.models import CoImplementerShare, Decision, DecisionStatus
from avustamo.decisions.selectors import applied_budget
from avustamo.grants.models import (
    ChangeKind,
    ChangeOutcome,
    ChangePart,
    ChangeRequest,
    ChangeRequestStatus,
    Grant,
    OnwardTransferAgreement,
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


def _shares_lacking_agreement():
    """The shares passed on to co-implementers by decisions in force that have no written agreement on file."""
    agreement = OnwardTransferAgreement.objects.filter(
        grant=OuterRef("decision__grant"), co_implementer=OuterRef("co_implementer")
    )
    return CoImplementerShare.objects.filter(amount__gt=0, decision__grant__isnull=False).exclude(
        Exists(agreement)
    )


def grants_lacking_agreements():
    """The grants not to be paid yet: their decision gives a co-implementer a share, and the written agreement
    with it (688/2001 section 7(3)) is not on file. A subquery of grant ids."""
    return _shares_lacking_agreement().values("decision__grant")


def missing_agreements(grant_ids) -> dict[int, list[str]]:
    """For each of the grants, the co-implementers whose agreement is missing, by name; one statement."""
    missing: dict[int, list[str]] = {}
    grant_ids = list(grant_ids)
    if not grant_ids:
        return missing
    rows = (
        _shares_lacking_agreement()
        .filter(decision__grant__in=grant_ids)
        .order_by("co_implementer__name", "co_implementer_id")
        .values_list("decision__grant", "co_implementer__name")
    )
    for grant_id, name in rows:
        missing.setdefault(grant_id, []).append(name)
    return missing


@dataclasses.dataclass(frozen=True)
class AgreementRow:
    """A co-implementer the grant passes money on to, its share and its agreement (None: not on file)."""

    co_implementer: object
    share: object
    agreement: OnwardTransferAgreement | None


def onward_transfer_agreements_of(grant: Grant) -> list[AgreementRow]:
    """Each co-implementer the decision in force gives a share, with its agreement; nothing read where the call
    allows no co-implementers, two statements where it does."""
    if not grant.application.call.co_implementers_allowed:
        return []
    shares = list(
        grant.decision.co_implementer_shares.filter(amount__gt=0)
        .select_related("co_implementer")
        .order_by("co_implementer__name", "co_implementer_id")
    )
    agreements = {
        agreement.co_implementer_id: agreement
        for agreement in grant.onward_transfer_agreements.select_related("recorded_by")
    }
    return [
        AgreementRow(share.co_implementer, share.amount, agreements.get(share.co_implementer_id))
        for share in shares
    ]


def onward_transfer_agreement(pk: int) -> OnwardTransferAgreement | None:
    return (
        OnwardTransferAgreement.objects.select_related(
            "grant__application__call", "grant__decision", "co_implementer"
        )
        .filter(pk=pk)
        .first()
    )
