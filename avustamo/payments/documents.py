"""Decisions on a grant's money as PDF/A documents, in the language of the grant decision they concern: returns and
recoveries (with the interest of 24 § line by line as `services.return_claim_create` reckoned it), suspensions of
payments and their ending, waivers, offsettings and payment-application decisions that refuse costs. Each template
payments/pdf/<kind>.html extends money_decision_base.html: letterhead, addressee, the grant decision, the contact
person, the instructions for requesting a review and the signature."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from weasyprint import HTML

from avustamo.decisions.documents import PDF_VARIANT
from avustamo.payments.interest import ADDED_POINTS, InterestKind
from avustamo.payments.tasks import MONEY_DECISIONS, RETURN, grant_of

BASE_URL = (Path(__file__).resolve().parent / "templates" / "payments" / "pdf").as_uri() + "/"
TEMPLATES = {RETURN: "return_decision"}


def money_decision_pdf(kind: str, decision) -> bytes:
    template = f"payments/pdf/{TEMPLATES.get(kind, kind)}.html"
    with translation.override(decision.language):
        html = render_to_string(template, _context(kind, decision))
    return HTML(string=html, base_url=BASE_URL).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def _job_title(user, language: str) -> str:
    """The signer's title in the decision's language, once users have one (`job_title_in`)."""
    job_title_in = getattr(user, "job_title_in", None)
    return job_title_in(language) if job_title_in else ""


def _context(kind: str, decision) -> dict:
    grant = grant_of(decision)
    application = grant.application
    made_by = getattr(decision, MONEY_DECISIONS[kind].made_by)
    decided_on = decision.ended_on if kind == "suspension_end" else decision.decided_on
    context = {
        "decision": decision,
        "grant": grant,
        "grant_decision": grant.decision,
        "application": application,
        "organisation": application.organisation,
        "call": application.call,
        "agency": application.call.programme.agency,
        "language": decision.language,
        "decided_on": decided_on,
        "decision_maker": made_by,
        "decision_maker_title": _job_title(made_by, decision.language),
        "register_number_nowrap": format_html('<span class="nowrap">{}</span>', application.register_number),
        "penalty_points": ADDED_POINTS[InterestKind.PENALTY],
        "grant_points": ADDED_POINTS[InterestKind.GRANT],
    }
    if kind == RETURN:
        context |= _claim_context(decision)
    return context


def _claim_context(claim) -> dict:
    return {
        "claim": claim,
        "interest_lines": [
            {
                "paid_on": datetime.date.fromisoformat(line["paid_on"]),
                "amount": Decimal(line["amount"]),
                "first_day": datetime.date.fromisoformat(line["first_day"]),
                "last_day": datetime.date.fromisoformat(line["last_day"]),
                "days": line["days"],
                "rate": Decimal(line["rate"]),
                "interest": Decimal(line["interest"]),
            }
            for line in claim.interest_lines
        ],
        "last_reckoned_day": claim.interest_reckoned_to - datetime.timedelta(days=1),
        "total_due": claim.amount + claim.interest,
    }
