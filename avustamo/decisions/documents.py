"""The decision document (päätösasiakirja) of Valtionavustuslaki §11 as PDF/A.

Finnish and Swedish documents are the decision itself, in the language it was made in; English is a courtesy
translation and says so on every page.
"""

import datetime
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from weasyprint import HTML

from avustamo.core.money import to_cents
from avustamo.decisions.models import Decision, DecisionStatus

LANGUAGES = ("fi", "sv", "en")
# PDF/A-3 level B: archival PDF whose look is fixed and whose fonts (DejaVu Sans) are embedded.
PDF_VARIANT = "pdf/a-3b"
# Relative addresses resolve inside the package; the template uses no remote or local resources at all.
BASE_URL = (Path(__file__).resolve().parent / "templates" / "decisions" / "pdf").as_uri() + "/"


def decision_pdf(decision: Decision, language: str) -> bytes:
    """The decision document in `language` ("fi", "sv", or "en" for the English courtesy copy)."""
    if language not in LANGUAGES:
        raise ValueError(f"no decision document in language {language!r}")
    with translation.override(language):
        html = render_to_string("decisions/pdf/decision.html", _context(decision, language))
    return HTML(string=html, base_url=BASE_URL).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def _context(decision: Decision, language: str) -> dict:
    application = decision.application
    programme = application.call.programme
    return {
        "decision": decision,
        "application": application,
        "organisation": application.organisation,
        "call": application.call,
        "programme": programme,
        "agency": programme.agency,
        "language": language,
        "register_number_nowrap": format_html('<span class="nowrap">{}</span>', application.register_number),
        "is_courtesy_copy": language == "en",
        "is_draft": decision.status in (DecisionStatus.DRAFT, DecisionStatus.FOR_SIGNING),
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
