"""The decision on a request for review as a formal PDF/A document in Finnish or Swedish: the only decision of the
service that carries appeal instructions to an administrative court (Act on Court Proceedings in Administrative
Matters 808/2019); every other decision carries the instructions for requesting a review."""

from django.conf import settings
from django.utils.html import format_html

from avustamo.decisions.formal import formal_decision_pdf, letter_context
from avustamo.review_requests.courts import competent_court
from avustamo.review_requests.models import ReviewRequest


def review_decision_pdf(request: ReviewRequest, language: str) -> bytes:
    application = request.application
    context = letter_context(
        application=application,
        language=language,
        decided_on=request.decision_date,
        contact=request.presenter,
        decision_maker=request.decision_maker,
        presenter=request.presenter,
    )
    return formal_decision_pdf(
        template="review_requests/pdf/review_decision.html",
        context=context
        | {
            "review_request": request,
            "binding_language": request.language,
            "case_number": application.register_number,
            "register_number": request.register_number,
            "register_number_nowrap": format_html('<span class="nowrap">{}</span>', request.register_number),
            "court": competent_court(application.organisation).name_in(language),
            "court_fee": settings.ADMINISTRATIVE_COURT_FEE,
            "court_fee_source": settings.ADMINISTRATIVE_COURT_FEE_SOURCE,
            "contested_is_grant_decision": request.contested.target_type.model == "decision",
        },
        language=language,
    )
