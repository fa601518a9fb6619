"""The return or recovery decision (palautus- tai takaisinperintäpäätös) as PDF/A, in the language of the grant
decision it concerns, with the interest of 24 § line by line as `services.return_claim_create` reckoned it."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from weasyprint import HTML

from avustamo.decisions.documents import PDF_VARIANT
from avustamo.payments.interest import ADDED_POINTS, InterestKind
from avustamo.payments.models import ReturnClaim

BASE_URL = (Path(__file__).resolve().parent / "templates" / "payments" / "pdf").as_uri() + "/"


def return_decision_pdf(claim: ReturnClaim) -> bytes:
    with translation.override(claim.language):
        html = render_to_string("payments/pdf/return_decision.html", _context(claim))
    return HTML(string=html, base_url=BASE_URL).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def _context(claim: ReturnClaim) -> dict:
    grant = claim.grant
    application = grant.application
    agency = application.call.programme.agency
    return {
        "claim": claim,
        "grant_decision": grant.decision,
        "application": application,
        "organisation": application.organisation,
        "call": application.call,
        "agency": agency,
        "language": claim.language,
        "decided_on": claim.decided_on,
        "register_number_nowrap": format_html('<span class="nowrap">{}</span>', application.register_number),
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
        "total_due": claim.amount + claim.interest,
        "penalty_points": ADDED_POINTS[InterestKind.PENALTY],
        "grant_points": ADDED_POINTS[InterestKind.GRANT],
    }
