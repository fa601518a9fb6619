"""The JSON API, version 1: OpenAPI at /api/v1/openapi.json, documentation at /api/v1/docs."""

from typing import Literal

from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Path, Query, Schema, Status, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from pydantic import Field

from avustamo.api.applicant import router as applicant_router
from avustamo.api.change_requests import router as change_requests_router
from avustamo.api.register import router as register_router
from avustamo.api.schemas import (
    INVALID_CURSOR,
    NEXT,
    NEXT_CURSOR,
    CallFormOut,
    CallOut,
    CallSummaryOut,
    ErrorOut,
    cursor_field,
    page_link,
    refusal,
    refused,
    request_error_code,
    translated_texts,
)
from avustamo.api.tools import router as tools_router
from avustamo.applications.selectors import form_choices
from avustamo.applications.services import DEFAULT_ATTACHMENT_KINDS, DEFAULT_MAX_ATTACHMENT_MB
from avustamo.core.dates import helsinki_today, in_helsinki
from avustamo.core.ids import MAX_ID
from avustamo.core.keyset import InvalidCursor, page_after
from avustamo.core.middleware import refusal_response, unreadable_request
from avustamo.core.translation import language_code
from avustamo.programmes.application_form.answers_schema import answers_schema
from avustamo.programmes.models import Call, CallStatus
from avustamo.programmes.selectors import PUBLIC_ORDER, current_form, form_version, public_call, public_calls

CALLS_PER_PAGE = 50
MAX_CALLS_PER_PAGE = 200


class AvustamoApi(NinjaAPI):
    """Every operation names its operationId by hand (`operation_id=` on its decorator): clients generated from the
    OpenAPI document name their methods after it, and the id django-ninja would make from the module's path would
    change whenever the code moved. An operation without one stops the document from being made."""

    def get_openapi_operation_id(self, operation) -> str:
        raise ImproperlyConfigured(
            f"The API operation {operation.view_func.__module__}.{operation.view_func.__name__} has no "
            "operation_id: name it by hand, in camelCase, once and for good."
        )


class AccessibleSwagger(Swagger):
    """django-ninja's Swagger UI with its language declared, its colours darkened to WCAG 2.1 AA contrast, and its
    markup mended as it draws it (api/static/api/docs.js)."""

    template = "api/swagger.html"
    # The highlighting themes colour numbers and keys below AA contrast on their dark background; plain text meets it.
    default_settings = {**Swagger.default_settings, "syntaxHighlight": {"activated": False}}


api = AvustamoApi(
    docs=AccessibleSwagger(),
    title="Avustamo API",
    version="1",
    description=(
        "Open data about state discretionary grants: calls for applications, and the public register of published "
        "decisions with its statistics (licence CC BY 4.0); and, with a personal token, an applicant's own "
        "applications. Amounts are euros as decimal strings; times are ISO 8601 in Europe/Helsinki."
    ),
    urls_namespace="api",
)


def _call_url(request, call: Call) -> str:
    with translation.override("fi"):
        return request.build_absolute_uri(reverse("programmes:call_detail", kwargs={"pk": call.pk}))


def _summary(request, call: Call) -> dict:
    programme = call.programme
    return {
        "id": call.pk,
        "reference": call.reference,
        "status": str(call.status()),
        "title": translated_texts(call, "title"),
        "programme": {
            "code": programme.code,
            "name": translated_texts(programme, "name"),
            "agency": {"code": programme.agency.code, "name": translated_texts(programme.agency, "name")},
            "legal_basis": programme.legal_basis,
            "budget_line": programme.budget_line,
            "grant_type": programme.grant_type,
        },
        "opens_at": in_helsinki(call.opens_at),
        "closes_at": in_helsinki(call.closes_at),
        "appropriation": call.appropriation,
        "min_grant": call.min_grant,
        "max_grant": call.max_grant,
        "url": _call_url(request, call),
    }


api.add_router("/", applicant_router)
api.add_router("/", change_requests_router)
api.add_router("/", register_router)
api.add_router("/", tools_router)


# pydantic says what is wrong with a request's shape in English, with its limits; asked in another language, the
# problem's code says it in that language instead.
REQUEST_MESSAGES = {
    "required": gettext_lazy("Give this value: it is required."),
    "wrong_type": gettext_lazy("This value is not of the type the API's description gives."),
    "too_long": gettext_lazy("This value is longer than the API's description allows."),
    "too_short": gettext_lazy("This value is shorter than the API's description allows."),
    "out_of_range": gettext_lazy("This value is outside the range the API's description gives."),
    "pattern_mismatch": gettext_lazy("This value is not in the form the API's description gives."),
    "not_allowed": gettext_lazy("This value is not one of those the API's description lists."),
    "amount_not_text": gettext_lazy(
        'Give the amount as a decimal string of euros, e.g. "1500.50", not a number.'
    ),
    "amount_format": gettext_lazy('Give euros with at most two decimals, e.g. "1500.50".'),
}


def _request_message(code: str, english: str) -> str:
    if language_code() == "en" or code not in REQUEST_MESSAGES:
        return english
    return str(REQUEST_MESSAGES[code])


@api.exception_handler(RequestValidationError)
def invalid_request(request, exc: RequestValidationError):
    """Requests that do not match the description: 422 with each problem, in the same shape as refusals."""
    problems = []
    for error in exc.errors:
        code = request_error_code(str(error.get("type", "invalid")))
        problems.append(
            {
                "field": ".".join(str(part) for part in error.get("loc", ())),
                "code": code,
                "message": _request_message(code, str(error.get("msg", ""))),
            }
        )
    return api.create_response(
        request, {"detail": _("The request is not valid."), "errors": problems}, status=422
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    """401 with the challenge RFC 6750 asks for: the scheme alone when no token came, `invalid_token` when the
    token given does not open the API (unknown, revoked or expired)."""
    sent = bool(request.headers.get("Authorization"))
    detail = str(exc) if sent else _("Send a personal API token: Authorization: Bearer avu_…")
    response = api.create_response(request, {"detail": detail, "errors": []}, status=exc.status_code)
    challenge = 'Bearer realm="Avustamo API"'
    if sent:
        challenge += ', error="invalid_token"'
    response["WWW-Authenticate"] = challenge
    return response


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """django-ninja's other refusals (403, and 404 before a body is read) in the API's error shape."""
    return api.create_response(request, {"detail": str(exc), "errors": []}, status=exc.status_code)


@api.exception_handler(MultiPartParserError)
@api.exception_handler(SuspiciousOperation)
def unreadable_body(request, exc: Exception):
    """A body Django cannot read once a view asks for it (too large, a broken multipart body): the API's JSON
    refusal, as the middleware gives for the bodies it reads first, instead of Django's HTML 400 page."""
    return refusal_response(request, unreadable_request(exc))


class CallFilters(Schema):
    status: Literal["open", "upcoming", "closed"] = "open"
    programme: str | None = None
    agency: str | None = None
    cursor: str = cursor_field()
    limit: int = Field(CALLS_PER_PAGE, ge=1, le=MAX_CALLS_PER_PAGE, description="calls per page")


class CallPageOut(Schema):
    calls: list[CallSummaryOut]
    next: str | None = NEXT
    next_cursor: str | None = NEXT_CURSOR


@api.get(
    "/calls",
    operation_id="listCalls",
    response={200: CallPageOut, 422: ErrorOut},
    tags=["calls"],
    summary="List published calls",
)
def list_calls(request, filters: Query[CallFilters]):
    """Published calls in one status: open (default) by deadline, upcoming by opening, closed newest first; a page
    at a time: follow `next` (or send `next_cursor`) until it is null."""
    status = CallStatus(filters.status)
    calls = public_calls(status=status, programme=filters.programme, agency=filters.agency)
    try:
        page = page_after(calls, tuple(PUBLIC_ORDER[status]), cursor=filters.cursor, size=filters.limit)
    except InvalidCursor:
        return Status(422, refusal("query.cursor", "invalid_cursor", INVALID_CURSOR))
    return {
        "calls": [_summary(request, call) for call in page.rows],
        "next": page_link(request, filters, page.next_cursor),
        "next_cursor": page.next_cursor,
    }


@api.get(
    "/calls/{call_id}",
    operation_id="getCall",
    response={200: CallOut, 404: ErrorOut, 422: ErrorOut},
    tags=["calls"],
    summary="One published call",
)
def get_call(request, call_id: int = Path(..., ge=1, le=MAX_ID)):
    call = public_call(pk=call_id)
    if call is None:
        return Status(404, refused(_("No published call has this id.")))
    form = current_form(call=call)
    return {
        **_summary(request, call),
        "description": translated_texts(call, "description"),
        "how_to_apply": translated_texts(call, "how_to_apply"),
        "themes": [translated_texts(theme, "name") for theme in call.themes.all()],
        "eligible_organisation_types": call.eligible_organisation_types,
        "declarations": [_declaration(item) for item in call.declarations.all()],
        "evaluation_criteria": [
            {**translated_texts(item, "name"), "weight": item.weight} for item in call.criteria.all()
        ],
        "required_attachments": [_required_attachment(item) for item in call.required_attachments.all()],
        "period_earliest_start": call.period_earliest_start,
        "period_latest_end": call.period_latest_end,
        "max_share_percent": call.max_share_percent,
        "own_funding_min_percent": call.own_funding_min_percent,
        "co_implementers_allowed": call.co_implementers_allowed,
        "own_funding_min_per_co_implementer": call.own_funding_min_per_co_implementer,
        "source_urls": call.source_url_list,
        "form": {"version": form.version, "definition": form.definition, "url": _form_url(request, form)}
        if form
        else None,
    }


def _declaration(declaration) -> dict:
    return {"id": str(declaration.pk), "text": translated_texts(declaration, "text")}


def _required_attachment(required) -> dict:
    return {
        "id": required.pk,
        "name": translated_texts(required, "name"),
        "kinds": list(DEFAULT_ATTACHMENT_KINDS),
        "max_size_mb": DEFAULT_MAX_ATTACHMENT_MB,
        "max_files": required.max_files,
    }


def _form_url(request, form, view: str = "api:get_call_form") -> str:
    return request.build_absolute_uri(
        reverse(view, kwargs={"call_id": form.call_id, "version": form.version})
    )


NO_FORM = gettext_lazy("No published call has a form of this version.")


def _published_form(call_id: int, version: int):
    call = public_call(pk=call_id)
    form = form_version(call=call, version=version) if call is not None else None
    return call, form


@api.get(
    "/calls/{call_id}/forms/{version}",
    operation_id="getCallForm",
    response={200: CallFormOut, 404: ErrorOut, 422: ErrorOut},
    tags=["calls"],
    summary="One version of a call's application form, with the ids an application's answers use",
)
def get_call_form(
    request, call_id: int = Path(..., ge=1, le=MAX_ID), version: int = Path(..., ge=1, le=MAX_ID)
):
    """The questions (in `definition`), the declarations to confirm and the required attachments to upload, each
    with its stable id. A draft keeps the version it was started on: read `form_version` of the application."""
    call, form = _published_form(call_id, version)
    if form is None:
        return Status(404, refused(NO_FORM))
    return {
        "call_id": call.pk,
        "version": form.version,
        "definition": form.definition,
        "declarations": [_declaration(item) for item in call.declarations.all()],
        "required_attachments": [_required_attachment(item) for item in call.required_attachments.all()],
        "answers_schema_url": _form_url(request, form, "api:get_answers_schema"),
    }


@api.get(
    "/calls/{call_id}/forms/{version}/answers-schema",
    operation_id="getAnswersSchema",
    response={200: dict, 404: ErrorOut, 422: ErrorOut},
    tags=["calls"],
    summary="The JSON Schema of the answers to one version of a call's form",
)
def get_answers_schema(
    request, call_id: int = Path(..., ge=1, le=MAX_ID), version: int = Path(..., ge=1, le=MAX_ID)
):
    """JSON Schema 2020-12, made from the form's definition: each question's answer by its id, the choices it
    takes (regions and municipalities by Statistics Finland's codes, declarations by id) and what submission
    requires, including questions a condition shows. Saving a draft takes any part of it."""
    call, form = _published_form(call_id, version)
    if form is None:
        return Status(404, refused(NO_FORM))
    choices = form_choices(call=call, definition=form.parsed, valid_in=helsinki_today().year)
    return answers_schema(
        form.parsed,
        title=f"{call.reference}, application form version {form.version}",
        regions=[region.code for region in choices.regions],
        municipalities=[municipality.code for municipality in choices.municipalities],
        declarations=[str(declaration.pk) for declaration in choices.declarations],
    )
