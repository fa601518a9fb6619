"""The decision document (päätösasiakirja) of Valtionavustuslaki §11 as PDF/A.

Finnish and Swedish documents are the decision itself, in the language it was made in; English is a courtesy
translation and says so on every page.
"""

import datetime
from decimal import Decimal

from avustamo.core.money import to_cents
from avustamo.decisions.formal import BASE_URL, LANGUAGES, PDF_VARIANT, formal_decision_pdf, letter_context
from avustamo.decisions.models import Decision, DecisionStatus

__all__ = ["BASE_URL", "LANGUAGES", "PDF_VARIANT", "decision_pdf"]


def decision_pdf(decision: Decision, language: str) -> bytes:
    """The decision document in `language` ("fi", "sv", or "en" for the English courtesy copy)."""
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
    return context | {
        "decision": decision,
        "binding_language": decision.language,
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
