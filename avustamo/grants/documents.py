"""The change decision (muutospäätös) as PDF/A, made like the decision document it changes."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from weasyprint import HTML

from avustamo.decisions.documents import BASE_URL, PDF_VARIANT
from avustamo.grants.models import ChangeRequest
from avustamo.grants.selectors import approved_budget, period_in_force
from avustamo.grants.templatetags.change_requests import cost_rows


def change_decision_pdf(change_request: ChangeRequest) -> bytes:
    """The change decision (muutospäätös) in the language of the grant's decision: each part as asked and as
    decided, and the terms in force after it."""
    grant = change_request.grant
    application = grant.application
    programme = application.call.programme
    start, end = period_in_force(grant)
    context = {
        "change_request": change_request,
        "parts": list(change_request.parts.all()),
        "decision": grant.decision,
        "application": application,
        "organisation": application.organisation,
        "call": application.call,
        "programme": programme,
        "agency": programme.agency,
        "language": change_request.language,
        "register_number_nowrap": format_html('<span class="nowrap">{}</span>', application.register_number),
        "period_start": start,
        "period_end": end,
        "budget_rows": cost_rows(approved_budget(grant).costs),
    }
    with translation.override(change_request.language):
        html = render_to_string("grants/pdf/change_decision.html", context)
    return HTML(string=html, base_url=BASE_URL).write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)
