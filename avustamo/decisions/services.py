"""Writes for funding proposals and decisions: one transaction each, checked against the law and audited."""

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.accounts.models import StaffRole
from avustamo.applications.models import Application, ApplicationStatus
from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.money import format_euros, format_percent, to_cents
from avustamo.core.permissions import staff_roles
from avustamo.core.transitions import transition
from avustamo.decisions.de_minimis import de_minimis_problem, de_minimis_sum
from avustamo.decisions.models import CoImplementerShare, Decision, DecisionStatus, FundingProposal, Outcome
from avustamo.decisions.selectors import decision_language
from avustamo.programmes.application_form.budget import COST_CATEGORIES
from avustamo.programmes.models import Call
from avustamo.reviews.models import ScreeningResult

HANDLED = (ApplicationStatus.SUBMITTED, ApplicationStatus.COMPLETION_REQUESTED)


def _require(user, permission: str, target) -> None:
    if not user.has_perm(permission, target):
        raise PermissionDenied(_("Your role does not allow this."))


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _refuse_unless_undecided(application: Application) -> None:
    if application.decisions.filter(status__in=[DecisionStatus.SIGNED, DecisionStatus.PUBLISHED]).exists():
        raise ValidationError(_("The application has a signed decision."), code="decided")


def proposal_problems(application: Application, amount: Decimal) -> dict[str, str]:
    """What is wrong with a proposed amount: negative, above the amount applied for, outside min and max."""
    call = application.call
    if amount < 0:
        return {"amount": _("The amount cannot be negative.")}
    if amount == 0:
        return {}
    if application.requested_amount is not None and amount > application.requested_amount:
        return {"amount": _("The proposal cannot exceed the amount applied for.")}
    if call.min_grant is not None and amount < call.min_grant:
        return {"amount": _("The call's smallest grant is %(min)s.") % {"min": format_euros(call.min_grant)}}
    if call.max_grant is not None and amount > call.max_grant:
        return {"amount": _("The call's largest grant is %(max)s.") % {"max": format_euros(call.max_grant)}}
    return {}


def above_share_problem(
    amount: Decimal, eligible_costs: Decimal | None, max_share_percent: Decimal | None
) -> ValidationError | None:
    """The refusal of a grant above the maximum share of the eligible costs, the same for a proposal and a decision."""
    if not eligible_costs or max_share_percent is None:
        return None
    limit = to_cents(eligible_costs * max_share_percent / 100)
    if amount <= limit:
        return None
    return ValidationError(
        _(
            "The grant would exceed the maximum share of the eligible costs: %(percent)s of %(costs)s is "
            "%(limit)s."
        )
        % {
            "percent": format_percent(max_share_percent),
            "costs": format_euros(eligible_costs),
            "limit": format_euros(limit),
        },
        code="above_share",
    )


@transaction.atomic
def proposal_set(
    *,
    application: Application,
    amount: Decimal,
    eligible_costs: Decimal | None,
    max_share_percent: Decimal | None,
    justification: str,
    acting_user,
) -> FundingProposal:
    """Set the presenter's proposal for one application; changing a proposal needs a written justification."""
    _require(acting_user, "decisions.propose_funding", application)
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    _refuse_unless_undecided(application)
    if application.status not in HANDLED:
        raise ValidationError(_("Only submitted applications get a proposal."), code="not_submitted")
    screening = getattr(application, "screening", None)
    if screening is None or screening.result != ScreeningResult.ELIGIBLE:
        raise ValidationError(
            _("Only an application screened eligible gets a proposal."), code="not_eligible"
        )
    amount = to_cents(amount)
    justification = justification.strip()
    errors = {
        field: ValidationError(message, code="invalid_amount")
        for field, message in proposal_problems(application, amount).items()
    }
    if eligible_costs is not None and amount > eligible_costs:
        errors["eligible_costs"] = ValidationError(
            _("The grant cannot exceed the eligible costs."), code="above_eligible_costs"
        )
    if share_problem := above_share_problem(amount, eligible_costs, max_share_percent):
        errors["max_share_percent"] = share_problem
    if "amount" not in errors and (ceiling := de_minimis_problem(application, amount, helsinki_today())):
        errors["amount"] = ceiling
    previous = FundingProposal.objects.filter(application=application).first()
    if previous is not None and previous.amount != amount and not justification:
        errors["justification"] = ValidationError(
            _("Justify the change of the proposal."), code="justification_required"
        )
    if errors:
        raise ValidationError(errors)
    proposal, _created = FundingProposal.objects.update_or_create(
        application=application,
        defaults={
            "amount": amount,
            "eligible_costs": eligible_costs,
            "max_share_percent": max_share_percent,
            "justification": justification,
            "suggested": False,
            "proposed_by": acting_user,
        },
    )
    audit(
        acting_user=acting_user,
        action="proposal.set",
        target=application,
        **{"from": previous.amount if previous else "", "to": amount, "reason": justification},
    )
    return proposal


def ranked_applications(call: Call) -> list[Application]:
    """The call's eligible applications by their reviewers' average weighted score, best first."""
    return list(
        Application.objects.filter(call=call, status__in=HANDLED, screening__result=ScreeningResult.ELIGIBLE)
        .annotate(
            average_score=Avg(
                "review_assignments__weighted_score",
                filter=Q(review_assignments__submitted_at__isnull=False),
            )
        )
        .filter(average_score__isnull=False)
        .order_by("-average_score", "submitted_at", "pk")
    )


@transaction.atomic
def allocation_suggest(*, call: Call, min_score: Decimal, acting_user) -> list[FundingProposal]:
    """Fill proposals in ranking order until the appropriation is used, respecting min, max and a minimum score.

    Applications below the minimum score, or for which too little money is left to reach the call's minimum
    grant, are proposed nothing. Every proposal remains the presenter's to change.
    """
    _require(acting_user, "decisions.propose_funding", call)
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.appropriation is None:
        raise ValidationError(
            _("Set the call's appropriation before suggesting an allocation."), code="no_appropriation"
        )
    left = call.appropriation
    proposals = []
    today = helsinki_today()
    decided = set(
        Decision.objects.filter(
            application__call=call, status__in=[DecisionStatus.SIGNED, DecisionStatus.PUBLISHED]
        ).values_list("application_id", flat=True)
    )
    suggested_to: dict[str, Decimal] = {}
    for application in ranked_applications(call):
        if application.pk in decided:
            continue
        # An applicant without a Business ID is an undertaking of its own.
        undertaking = application.applicant_business_id or f"application {application.pk}"
        amount = Decimal(0)
        if application.average_score >= min_score:
            amount = min(
                application.requested_amount or Decimal(0),
                call.max_grant if call.max_grant is not None else left,
                left,
            )
            if call.is_de_minimis:
                # Never suggest what the de minimis ceiling would refuse: at most the room the undertaking has left,
                # less what this suggestion has already given the same undertaking in the call.
                room = de_minimis_sum(application, Decimal(0), today).room - suggested_to.get(
                    undertaking, Decimal(0)
                )
                amount = max(min(amount, room), Decimal(0))
            if call.min_grant is not None and amount < call.min_grant:
                amount = Decimal(0)
        left -= amount
        suggested_to[undertaking] = suggested_to.get(undertaking, Decimal(0)) + amount
        proposal, _created = FundingProposal.objects.update_or_create(
            application=application,
            defaults={
                "amount": amount,
                "eligible_costs": application.total_eligible_costs,
                "max_share_percent": call.max_share_percent,
                "justification": "",
                "suggested": True,
                "proposed_by": acting_user,
            },
        )
        proposals.append(proposal)
    audit(
        acting_user=acting_user,
        action="proposal.allocation_suggested",
        target=call,
        min_score=min_score,
        proposed=call.appropriation - left,
    )
    return proposals


# --- Decisions ---------------------------------------------------------------------------------------------


def missing_elements(decision: Decision) -> list[str]:
    """The elements Valtionavustuslaki §11 and the Administrative Procedure Act §45 require that the decision still
    lacks, in words."""
    missing = []
    call = decision.application.call
    if not decision.reasons.strip():
        missing.append(_("reasons"))
    if not call.legal_basis_in(decision.language).strip():
        missing.append(_("the legal basis in the language of the decision"))
    if not decision.is_positive:
        return missing
    if not call.budget_item:
        missing.append(_("the budget item"))
    if not decision.amount or decision.amount <= 0:
        missing.append(_("amount"))
    if not decision.purpose.strip():
        missing.append(_("purpose of use"))
    if decision.eligible_costs is None:
        missing.append(_("eligible costs"))
    if decision.max_share_percent is None:
        missing.append(_("maximum share of total eligible costs"))
    if decision.period_start is None or decision.period_end is None:
        missing.append(_("period of use"))
    if not decision.instalments:
        missing.append(_("payment terms"))
    if not any(report.get("kind") == Decision.ReportKind.FINAL for report in decision.reports_due):
        missing.append(_("the final report and its deadline"))
    if not decision.conditions.strip():
        missing.append(_("conditions and restrictions"))
    return missing


def _instalment_percent(entry: dict) -> Decimal:
    """The instalment's share of the grant in percent, to two places (a share, not money); 0 when no number."""
    try:
        return Decimal(str(entry.get("percent", ""))).quantize(Decimal("0.01"))
    except InvalidOperation:
        return Decimal(0)


def _instalments_problem(instalments) -> ValidationError | None:
    for entry in instalments:
        if (
            _instalment_percent(entry) <= 0
            or entry.get("condition") not in Decision.InstalmentCondition.values
        ):
            return ValidationError(_("Give each instalment a share and when it is paid."), code="invalid")
    if instalments and sum(_instalment_percent(entry) for entry in instalments) != 100:
        return ValidationError(_("The instalments must add up to 100 %."), code="not_hundred")
    return None


def _clean_instalments(instalments) -> list[dict]:
    return [
        {"percent": f"{_instalment_percent(entry):f}", "condition": entry["condition"]}
        for entry in instalments
    ]


def _report_due(entry: dict):
    """The report's due date, given as a date or in ISO text; None when the text is no date."""
    due = entry.get("due")
    try:
        return datetime.date.fromisoformat(due) if isinstance(due, str) else due
    except ValueError:
        return None


def _reports_problem(reports, period_end) -> ValidationError | None:
    for entry in reports:
        kind, due = entry.get("kind"), _report_due(entry)
        if kind not in Decision.ReportKind.values or not isinstance(due, datetime.date):
            return ValidationError(_("Give each report its kind and due date."), code="invalid")
        if kind == Decision.ReportKind.FINAL and period_end and due <= period_end:
            return ValidationError(
                _("The final report is due after the period of use ends."), code="final_too_early"
            )
    return None


def _money_or_none(value) -> Decimal | None:
    """An amount given as a number or its text, to the cent; None when it is no amount of zero or more."""
    try:
        amount = to_cents(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount >= 0 else None


def _approved_total(approved_costs: dict) -> Decimal:
    return to_cents(sum((_money_or_none(amount) for amount in approved_costs.values()), Decimal(0)))


def _approved_costs_problem(approved_costs: dict, eligible_costs) -> ValidationError | None:
    if set(approved_costs) - set(COST_CATEGORIES) or any(
        _money_or_none(amount) is None for amount in approved_costs.values()
    ):
        return ValidationError(_("Give each cost category's approved amount in euros."), code="invalid")
    total = _approved_total(approved_costs)
    if approved_costs and eligible_costs is not None and to_cents(eligible_costs) != total:
        return ValidationError(
            _("The eligible costs must be the total of the approved budget, %(total)s.")
            % {"total": format_euros(total)},
            code="not_budget_total",
        )
    return None


def _non_eligible_costs_problem(non_eligible_costs) -> ValidationError | None:
    for entry in non_eligible_costs:
        amount = _money_or_none(entry.get("amount", ""))
        if not str(entry.get("description", "")).strip() or amount is None or amount <= 0:
            return ValidationError(
                _("Give each cost that is not eligible what it is and its amount."), code="invalid"
            )
    return None


def _clean_approved_costs(approved_costs: dict) -> dict:
    """The approved amounts in the budget's order of categories, as text to the cent."""
    return {
        category: f"{_money_or_none(approved_costs[category]):f}"
        for category in COST_CATEGORIES
        if category in approved_costs
    }


def _clean_non_eligible_costs(non_eligible_costs) -> list[dict]:
    return [
        {"description": entry["description"].strip(), "amount": f"{_money_or_none(entry['amount']):f}"}
        for entry in non_eligible_costs
    ]


def _clean_reports(reports) -> list[dict]:
    cleaned = [{"kind": entry["kind"], "due": _report_due(entry).isoformat()} for entry in reports]
    return sorted(cleaned, key=lambda entry: entry["due"])


@dataclass(frozen=True)
class DecisionTerms:
    """What the presenter drafts; the terms after the outcome apply only when it gives a grant."""

    outcome: str
    amount: Decimal | None = None
    purpose: str = ""
    eligible_costs: Decimal | None = None
    max_share_percent: Decimal | None = None
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    instalments: Sequence[dict] = ()
    reports_due: Sequence[dict] = ()
    conditions: str = ""
    reasons: str = ""
    language: str = ""
    approved_costs: dict = dataclasses.field(default_factory=dict)
    non_eligible_costs: Sequence[dict] = ()

    @property
    def is_positive(self) -> bool:
        return self.outcome in Outcome.positive()

    @property
    def eligible_costs_stated(self) -> Decimal | None:
        """The eligible costs the decision states: their own total, else the approved budget's total."""
        if self.eligible_costs is not None or not self.approved_costs:
            return self.eligible_costs
        return _approved_total(self.approved_costs)

    @property
    def awarded_amount(self) -> Decimal:
        """The amount to the cent; nothing unless the outcome gives a grant."""
        return to_cents(self.amount or 0) if self.is_positive else Decimal(0)


def decision_terms_problems(
    application: Application, terms: DecisionTerms, *, screened_eligible: bool
) -> dict[str, ValidationError]:
    """What is wrong with the terms of a draft decision on the application, by field; empty when none is. Reads
    nothing from the database: the application comes with its call, and whether it was screened eligible is given."""
    outcome = terms.outcome
    if outcome not in Outcome.values:
        return {"outcome": ValidationError(_("Choose the outcome."), code="invalid_outcome")}
    if outcome != Outcome.NOT_EXAMINED and not screened_eligible:
        return {
            "outcome": ValidationError(
                _("An application not screened eligible is decided as not examined."),
                code="not_screened_eligible",
            )
        }
    if outcome == Outcome.NOT_EXAMINED and screened_eligible:
        return {
            "outcome": ValidationError(_("The application was screened eligible."), code="screened_eligible")
        }
    if not terms.is_positive:
        return {}
    problems = {}
    amount = terms.awarded_amount
    requested = application.requested_amount
    if amount <= 0:
        problems["amount"] = ValidationError(_("An approved grant has an amount."), code="invalid_amount")
    elif amount_problem := proposal_problems(application, amount).get("amount"):
        problems["amount"] = ValidationError(amount_problem, code="invalid_amount")
    elif outcome == Outcome.APPROVED and requested is not None and amount != requested:
        problems["outcome"] = ValidationError(
            _("A grant smaller than applied for is approved in part."), code="not_in_full"
        )
    if terms.eligible_costs is not None and amount > terms.eligible_costs:
        problems["eligible_costs"] = ValidationError(
            _("The grant cannot exceed the eligible costs."), code="above"
        )
    if terms.period_start and terms.period_end and terms.period_end < terms.period_start:
        problems["period_end"] = ValidationError(
            _("The period of use cannot end before it starts."), code="period"
        )
    if instalments_problem := _instalments_problem(terms.instalments):
        problems["instalments"] = instalments_problem
    if reports_problem := _reports_problem(terms.reports_due, terms.period_end):
        problems["reports_due"] = reports_problem
    if costs_problem := _approved_costs_problem(terms.approved_costs, terms.eligible_costs):
        field = "eligible_costs" if costs_problem.code == "not_budget_total" else "approved_costs"
        problems.setdefault(field, costs_problem)
    if share_problem := above_share_problem(amount, terms.eligible_costs_stated, terms.max_share_percent):
        problems.setdefault("max_share_percent", share_problem)
    if non_eligible_problem := _non_eligible_costs_problem(terms.non_eligible_costs):
        problems["non_eligible_costs"] = non_eligible_problem
    return problems


@transaction.atomic
def decision_save_draft(*, application: Application, terms: DecisionTerms, acting_user) -> Decision:
    """Create or update the presenter's draft decision on an application."""
    _require(acting_user, "decisions.draft_decision", application)
    application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    # A correction of a signed decision (decision_correct) is a draft of a decided application: its terms are
    # changed here like any draft's.
    correcting = application.decisions.filter(status=DecisionStatus.DRAFT, corrects__isnull=False).exists()
    if not correcting:
        if application.status not in HANDLED:
            raise ValidationError(_("Only submitted applications get a decision."), code="not_submitted")
        _refuse_unless_undecided(application)
    screening = getattr(application, "screening", None)
    problems = decision_terms_problems(
        application,
        terms,
        screened_eligible=screening is not None and screening.result == ScreeningResult.ELIGIBLE,
    )
    if not problems and (ceiling := de_minimis_problem(application, terms.awarded_amount, helsinki_today())):
        problems["amount"] = ceiling
    if problems:
        raise ValidationError(problems)
    draft = (
        application.decisions.filter(status__in=[DecisionStatus.DRAFT, DecisionStatus.FOR_SIGNING])
        .select_for_update()
        .first()
    )
    if draft is not None and draft.status == DecisionStatus.FOR_SIGNING:
        raise ValidationError(
            _("The decision is with the decision maker; take it back before changing it."), code="for_signing"
        )
    positive, amount = terms.is_positive, terms.awarded_amount
    values = {
        "outcome": terms.outcome,
        "amount": amount,
        "purpose": terms.purpose.strip() if positive else "",
        "eligible_costs": terms.eligible_costs_stated if positive else None,
        "max_share_percent": terms.max_share_percent if positive else None,
        "period_start": terms.period_start if positive else None,
        "period_end": terms.period_end if positive else None,
        "instalments": _clean_instalments(terms.instalments) if positive else [],
        "reports_due": _clean_reports(terms.reports_due) if positive else [],
        "conditions": terms.conditions.strip() if positive else "",
        "approved_costs": _clean_approved_costs(terms.approved_costs) if positive else {},
        "non_eligible_costs": _clean_non_eligible_costs(terms.non_eligible_costs) if positive else [],
        "reasons": terms.reasons.strip(),
        "language": terms.language if terms.language in ("fi", "sv") else decision_language(application),
        "presenter": acting_user,
    }
    if draft is None:
        draft = Decision.objects.create(application=application, **values)
        action = "decision.drafted"
    else:
        for field, value in values.items():
            setattr(draft, field, value)
        _refuse_shares_above_amount(draft)
        draft.save()
        action = "decision.draft_saved"
    audit(
        acting_user=acting_user,
        action=action,
        target=application,
        decision=draft.pk,
        outcome=terms.outcome,
        amount=amount,
    )
    return draft


def _locked_decision(decision: Decision) -> Decision:
    return Decision.objects.select_for_update().select_related("application__call").get(pk=decision.pk)


@transaction.atomic
def decision_send_for_signing(*, decision: Decision, decision_maker, acting_user) -> Decision:
    """Send a complete draft to a decision maker other than the presenter."""
    decision = _locked_decision(decision)
    _require(acting_user, "decisions.draft_decision", decision.application)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be sent for signing."), code="not_draft")
    missing = missing_elements(decision)
    if missing:
        raise ValidationError(
            _("The decision lacks what the law requires: %(missing)s.") % {"missing": ", ".join(missing)},
            code="incomplete",
        )
    if decision_maker is None or StaffRole.DECISION_MAKER not in staff_roles(decision_maker):
        raise _field_error("decision_maker", _("Choose a decision maker."), "not_decision_maker")
    if decision_maker.pk == decision.presenter_id:
        raise _field_error(
            "decision_maker",
            _("The presenter cannot decide on their own presentation."),
            "four_eyes",
        )
    transition(
        decision,
        "send_for_signing",
        acting_user=acting_user,
        changes={"decision_maker": decision_maker, "sent_for_signing_at": timezone.now()},
        audit_target=decision.application,
        decision=decision.pk,
        decision_maker=decision_maker.email,
    )
    return decision


@transaction.atomic
def decision_return(*, decision: Decision, reason: str, acting_user) -> Decision:
    """The decision maker returns a decision to the presenter, or the presenter takes it back, with a reason."""
    decision = _locked_decision(decision)
    allowed = acting_user.pk in (decision.decision_maker_id, decision.presenter_id)
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this."))
    if decision.status != DecisionStatus.FOR_SIGNING:
        raise ValidationError(
            _("Only a decision waiting for signature can be returned."), code="not_for_signing"
        )
    if not reason.strip():
        raise _field_error("reason", _("Say why the decision is returned."), "reason_required")
    transition(
        decision,
        "return",
        acting_user=acting_user,
        changes={"decision_maker": None, "sent_for_signing_at": None},
        audit_target=decision.application,
        decision=decision.pk,
        reason=reason.strip(),
    )
    return decision


@transaction.atomic
def decision_sign(*, decision: Decision, acting_user, now=None) -> Decision:
    """Sign a decision sent to you. Never the presenter's own (four-eyes); a signed decision is frozen."""
    now = now or timezone.now()
    decision = _locked_decision(decision)
    _require(acting_user, "decisions.sign_decision", decision)
    if decision.status != DecisionStatus.FOR_SIGNING:
        raise ValidationError(_("Only a decision sent for signing can be signed."), code="not_for_signing")
    if acting_user.pk == decision.presenter_id:
        raise ValidationError(_("The presenter cannot sign their own presentation."), code="four_eyes")
    if acting_user.pk != decision.decision_maker_id:
        raise PermissionDenied(_("The decision was sent to another decision maker."))
    if missing_elements(decision):
        raise ValidationError(_("The decision lacks what the law requires."), code="incomplete")
    # Aid is granted on the day the decision is signed: other grants may have been signed since it was drafted.
    if decision.is_positive and (
        ceiling := de_minimis_problem(decision.application, decision.amount, helsinki_today(now))
    ):
        raise ceiling
    transition(
        decision,
        "sign",
        acting_user=acting_user,
        changes={"signed_at": now, "decision_date": helsinki_today(now)},
        audit_target=decision.application,
        decision=decision.pk,
    )
    return decision


@transaction.atomic
def decision_correct(*, decision: Decision, acting_user) -> Decision:
    """Start a correction: a new draft that references the signed decision it will replace."""
    decision = _locked_decision(decision)
    _require(acting_user, "decisions.draft_decision", decision.application)
    if not decision.is_frozen:
        raise ValidationError(_("Only a signed decision is corrected by a new one."), code="not_signed")
    if hasattr(decision, "corrected_by"):
        raise ValidationError(_("The decision already has a correction."), code="already_corrected")
    correction = Decision.objects.create(
        application=decision.application, corrects=decision, presenter=acting_user, **decision.terms()
    )
    if decision.application.call.co_implementers_allowed:
        CoImplementerShare.objects.bulk_create(
            CoImplementerShare(
                decision=correction, co_implementer_id=share.co_implementer_id, amount=share.amount
            )
            for share in decision.co_implementer_shares.all()
        )
    audit(
        acting_user=acting_user,
        action="decision.correction_started",
        target=decision.application,
        decision=correction.pk,
        corrects=decision.pk,
    )
    return correction


def _refuse_shares_above_amount(decision: Decision) -> None:
    """A draft's grant cannot become smaller than what it passes on to co-implementers (read only where the call
    allows them)."""
    if not decision.application.call.co_implementers_allowed:
        return
    passed_on = sum((share.amount for share in decision.co_implementer_shares.all()), Decimal(0))
    granted = decision.amount if decision.is_positive else Decimal(0)
    if passed_on > granted:
        raise ValidationError(
            {
                "amount": ValidationError(
                    _(
                        "The decision passes %(passed_on)s on to co-implementers: the grant cannot be less. Change "
                        "their shares first."
                    )
                    % {"passed_on": format_euros(passed_on)},
                    code="below_co_implementer_shares",
                )
            }
        )


@transaction.atomic
def decision_co_implementer_shares_set(
    *, decision: Decision, shares: dict, acting_user
) -> list[CoImplementerShare]:
    """Set how much of a draft decision's grant the recipient passes on to each co-implementer: the decision names
    those with a share and makes the passing on conditional on a written agreement (688/2001 section 7(3)).
    `shares` maps each co-implementer's id to its amount; an amount of zero or none passes nothing on."""
    decision = _locked_decision(decision)
    application = decision.application
    _require(acting_user, "decisions.draft_decision", application)
    if decision.status != DecisionStatus.DRAFT:
        raise ValidationError(
            _("Only a draft decision can be changed; take it back from the decision maker first."),
            code="not_a_draft",
        )
    if not application.call.co_implementers_allowed:
        raise ValidationError(
            _("This call does not allow co-implementers."), code="co_implementers_not_allowed"
        )
    if not decision.is_positive:
        raise ValidationError(
            _("Only a decision that gives a grant passes money on to co-implementers."), code="not_positive"
        )
    co_implementers = {item.pk: item for item in application.co_implementers.all()}
    errors: dict[str, ValidationError] = {}
    amounts: dict[int, Decimal] = {}
    for key, value in shares.items():
        co_implementer = co_implementers.get(key)
        if co_implementer is None:
            raise ValidationError(
                _("The application has no such co-implementer."), code="unknown_co_implementer"
            )
        try:
            amount = Decimal(str(value if value not in (None, "") else 0))
        except InvalidOperation:
            amount = Decimal(-1)
        if not amount.is_finite() or amount < 0 or amount != to_cents(amount):
            errors[f"share-{key}"] = ValidationError(
                _("Enter the share of %(name)s in euros and cents, at least zero.")
                % {"name": co_implementer.name},
                code="invalid_share",
            )
        elif amount:
            amounts[key] = amount
    if errors:
        raise ValidationError(errors)
    total = sum(amounts.values(), Decimal(0))
    if total > decision.amount:
        raise ValidationError(
            _("The shares passed on, %(total)s in all, are more than the grant of %(amount)s.")
            % {"total": format_euros(total), "amount": format_euros(decision.amount)},
            code="shares_above_grant",
        )
    decision.co_implementer_shares.all().delete()
    created = CoImplementerShare.objects.bulk_create(
        CoImplementerShare(decision=decision, co_implementer=co_implementers[key], amount=amount)
        for key, amount in amounts.items()
    )
    audit(
        acting_user=acting_user,
        action="decision.co_implementer_shares_set",
        target=application,
        decision=decision.pk,
        shares={co_implementers[key].business_id: str(amount) for key, amount in amounts.items()},
    )
    return created
