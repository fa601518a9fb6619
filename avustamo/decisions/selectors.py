"""Reads for decisions: what waits for a decision maker, and the decision an applicant may see."""

import dataclasses
import datetime

from avustamo.core.money import to_cents
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.grants.models import ChangeKind, ChangeOutcome, ChangePart, ChangeRequest, ChangeRequestStatus
from avustamo.programmes.application_form.budget import COST_CATEGORIES, BudgetFigures
from avustamo.reviews.models import ScreeningResult

# A common term for the final report; the presenter changes it where the call says otherwise.
FINAL_REPORT_AFTER = datetime.timedelta(days=60)


def decision_language(application) -> str:
    """Decisions are given in the applicant's national language: Swedish when the sender asked for it."""
    sender = application.submitted_by
    return "sv" if sender is not None and sender.preferred_language == "sv" else "fi"


def draft_defaults(application) -> dict:
    """The terms a new draft starts from: the screening, the proposal and the application's own figures."""
    screening = getattr(application, "screening", None)
    language = decision_language(application)
    if screening is not None and screening.result == ScreeningResult.INELIGIBLE:
        return {"outcome": Outcome.NOT_EXAMINED, "reasons": screening.reason, "language": language}
    proposal = getattr(application, "proposal", None)
    amount = proposal.amount if proposal else application.requested_amount
    if proposal is not None and not proposal.amount:
        outcome = Outcome.REJECTED
    elif amount == application.requested_amount:
        outcome = Outcome.APPROVED
    else:
        outcome = Outcome.PARTIALLY_APPROVED
    return {
        "outcome": outcome,
        "language": language,
        "amount": amount,
        "purpose": application.project_name,
        "eligible_costs": proposal.eligible_costs if proposal else application.total_eligible_costs,
        "max_share_percent": proposal.max_share_percent if proposal else application.call.max_share_percent,
        "period_start": application.period_start,
        "period_end": application.period_end,
        "instalments": [{"percent": "100", "condition": Decision.InstalmentCondition.ON_ACCEPTANCE}],
        "reports_due": [
            {"kind": Decision.ReportKind.FINAL, "due": application.period_end + FINAL_REPORT_AFTER}
        ]
        if application.period_end
        else [],
    }


def decisions_waiting_for(user):
    return (
        Decision.objects.filter(status=DecisionStatus.FOR_SIGNING, decision_maker=user)
        .select_related("application__call", "presenter")
        .order_by("sent_for_signing_at")
    )


def published_decision(*, application_pk: int) -> Decision | None:
    """The application's current published decision (a published correction replaces the one it corrects)."""
    return (
        Decision.objects.published()
        .filter(application_id=application_pk)
        .exclude(corrected_by__status=DecisionStatus.PUBLISHED)
        .select_related(
            "application__call__programme__agency", "application__organisation", "presenter", "decision_maker"
        )
        .order_by("-published_at", "-pk")
        .first()
    )


def applied_budget(application) -> BudgetFigures:
    """The budget by cost category as the application gave it."""
    budget_question = application.form.parsed.fact_questions()["budget"]
    return BudgetFigures.from_answer(application.answers.get(budget_question.id))


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
