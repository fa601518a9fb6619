"""Reads for decisions: what waits for a decision maker, and the decision an applicant may see."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from avustamo.accounts.models import StaffRole, User
from avustamo.applications.joint import figures_of
from avustamo.applications.secrets import public_project_name
from avustamo.decisions.models import Decision, DecisionStatus, Outcome
from avustamo.programmes.application_form.budget import BudgetFigures
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
    eligible_costs = proposal.eligible_costs if proposal else application.total_eligible_costs
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
        # The decision is public: a project name marked as a business secret is not offered as its purpose.
        "purpose": public_project_name(application),
        "eligible_costs": eligible_costs,
        "approved_costs": approved_costs_default(application, eligible_costs),
        "non_eligible_costs": [],
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


def approved_costs_default(application, eligible_costs) -> dict:
    """The application's budget by category, as text, when the eligible costs are its total; otherwise nothing,
    and the presenter divides the eligible costs between the categories."""
    costs = applied_budget(application).costs if "budget" in application.form.parsed.fact_questions() else {}
    if not costs or eligible_costs is None or sum(costs.values()) != eligible_costs:
        return {}
    return {category: f"{amount:f}" for category, amount in costs.items() if amount}


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


def decision_makers():
    return User.objects.filter(
        is_active=True, is_staff=True, role_grants__role=StaffRole.DECISION_MAKER
    ).order_by("full_name")


@dataclass(frozen=True)
class CoImplementerShares:
    """A decision's shares passed on to the co-implementers of its joint project."""

    co_implementers: list
    current: dict  # co-implementer id: the amount the decision passes on (those with a share)
    suggested: (
        dict  # what the presenter's form starts from: the share set, else what the co-implementer applied for
    )

    @property
    def rows(self) -> list[tuple]:
        """Each co-implementer given a share, with its amount."""
        return [(item, self.current[item.pk]) for item in self.co_implementers if item.pk in self.current]

    @property
    def total(self) -> Decimal:
        return sum(self.current.values(), Decimal(0))


def co_implementer_shares_of(decision: Decision) -> CoImplementerShares | None:
    """The shares of a decision on a joint project; None when the application names no co-implementers (nothing
    read where its call allows none). Two statements."""
    if not decision.application.call.co_implementers_allowed:
        return None
    co_implementers = list(decision.application.co_implementers.all())
    if not co_implementers:
        return None
    current = dict(decision.co_implementer_shares.values_list("co_implementer_id", "amount"))
    suggested = {
        item.pk: current.get(item.pk, figures_of(item.costs, item.own_funding).requested)
        for item in co_implementers
    }
    return CoImplementerShares(co_implementers=co_implementers, current=current, suggested=suggested)
