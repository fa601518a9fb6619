"""The decision document (päätösasiakirja) of Valtionavustuslaki §11 as PDF/A.

Finnish and Swedish documents are the decision itself, in the language it was made in; English is a courtesy
translation and says so on every page.
"""

import datetime
from decimal import Decimal

from avustamo.core.money import to_cents
from avustamo.decisions.formal import BASE_URL, LANGUAGES, PDF_VARIANT, formal_decision_pdf, letter_context
from avustamo.decisions.models import Decision, DecisionStatus
from avustamo.programmes.application_form.budget import COST_CATEGORIES
from avustamo.programmes.state_aid import state_aid_statement

__all__ = ["BASE_URL", "LANGUAGES", "PDF_VARIANT", "decision_pdf"]


def decision_pdf(decision: Decision, language: str) -> bytes:
    """The decision document in `language` ("fi", "sv", or "en" for the English courtesy copy)."""
    if language not in LANGUAGES:
        raise ValueError(f"no decision document in language {language!r}")
    return formal_decision_pdf(
        template="decisions/pdf/decision.html", context=_context(decision, language), language=language
    )


def _context(decision: Decision, language: str) -> dict:
    is_draft = decision.status in (DecisionStatus.DRAFT, DecisionStatus.FOR_SIGNING)
    # The presenter prepared the decision and answers the party's questions about it.
    context = letter_context(
        application=decision.application,
        language=language,
        decided_on=None if is_draft else decision.decision_date,
        contact=decision.presenter,
        decision_maker=decision.decision_maker,
        presenter=decision.presenter,
    )
    call = decision.application.call
    # The English courtesy copy shows the binding language's text where the call has no English one.
    text_language = decision.language if language == "en" and not call.legal_basis_in("en") else language
    return context | {
        "decision": decision,
        "binding_language": decision.language,
        "legal_basis": call.legal_basis_in(text_language),
        "special_act": call.special_act_in(language) or call.special_act_in(decision.language),
        "budget_item": call.budget_item,
        "state_aid_statement": state_aid_statement(call, decision.amount, language),
        "vat_recoverable": decision.application.vat_recoverable,
        "co_implementer_shares": list(decision.co_implementer_shares.select_related("co_implementer"))
        if call.co_implementers_allowed and decision.is_positive
        else [],
        **decision_terms_shown(decision),
    }


def decision_terms_shown(decision: Decision) -> dict:
    """The decision's terms as its document and the decision maker's page show them: the approved budget, the
    costs not eligible, each instalment in euros and the reports with their days."""
    approved_costs = [
        {"label": COST_CATEGORIES[category], "amount": Decimal(amount)}
        for category, amount in (decision.approved_costs or {}).items()
        if category in COST_CATEGORIES
    ]
    return {
        "approved_costs": approved_costs,
        "approved_total": to_cents(sum((row["amount"] for row in approved_costs), Decimal(0))),
        "non_eligible_costs": [
            {"description": entry["description"], "amount": Decimal(entry["amount"])}
            for entry in decision.non_eligible_costs or []
        ],
        "instalments": _instalments(decision),
        "reports": [
            {
                "label": Decision.ReportKind(report["kind"]).label,
                "due": datetime.date.fromisoformat(report["due"]),
            }
            for report in decision.reports_due or []
        ],
    }


def _instalments(decision: Decision) -> list[dict]:
    """Each instalment's share, label and sum in euros; the last takes the rounding so the sums add up."""
    instalments = decision.instalments or []
    rows = []
    paid = Decimal(0)
    for index, instalment in enumerate(instalments):
        share = Decimal(str(instalment["percent"]))
        if index == len(instalments) - 1 and sum(Decimal(str(i["percent"])) for i in instalments) == 100:
            amount = to_cents(decision.amount) - paid
        else:
            amount = to_cents(decision.amount * share / 100)
        paid += amount
        rows.append(
            {
                "percent": share,
                "amount": amount,
                "condition": Decision.InstalmentCondition(instalment["condition"]).label,
            }
        )
    return rows
