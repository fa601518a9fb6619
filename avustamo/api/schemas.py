"""What every part of the API shares: translated texts, amounts as decimal strings, times in Helsinki, the
error shape and its codes."""

import datetime
import re
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from ninja import Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from avustamo.core.dates import in_helsinki
from avustamo.core.money import to_cents
from avustamo.organisations.models import OrganisationType
from avustamo.programmes.application_form.schema import ATTACHMENT_KINDS
from avustamo.programmes.models import CallStatus, GrantType

# Amounts go out with exactly two decimals and come in with at most two: never a JSON number, which a client's
# float would turn into 0.30000000000000004. Twelve integer digits, as the amounts are stored.
EUROS_PATTERN = r"^[0-9]{1,12}\.[0-9]{2}$"
AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"
DECIMAL_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,4})?$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]*$"  # URL-safe base64 without padding
INVALID_CURSOR = gettext_lazy("The cursor is not valid: take it from a next link of the same search.")


def cursor_field() -> Any:
    return Field(
        "",
        max_length=4000,
        pattern=CURSOR_PATTERN,
        description="where the page starts: take it from `next_cursor` (or the `next` link), never build it",
    )


def page_link(request, query: Schema, cursor: str | None) -> str | None:
    """The same request from another cursor, with only the parameters that differ from their defaults."""
    if cursor is None:
        return None
    parameters = query.model_dump(exclude_defaults=True, exclude={"cursor"}) | {"cursor": cursor}
    return request.build_absolute_uri(f"{request.path}?{urlencode(parameters)}")


def pdf_answer(description: str) -> dict:
    """The `openapi_extra` of an operation that answers a PDF: declared binary, so that generated clients keep it."""
    pdf = {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {200: {"content": pdf, "description": description}}}


def _euro_text(amount) -> str:
    return amount if isinstance(amount, str) else f"{to_cents(amount):.2f}"


def _decimal_text(value) -> str:
    return value if isinstance(value, str) else f"{Decimal(value):f}"


def _amount_given(value) -> Decimal:
    """An amount as the contract asks: a decimal string of euros, at most two decimals."""
    if not isinstance(value, str):
        raise PydanticCustomError(
            "amount_not_text", 'Give the amount as a decimal string of euros, e.g. "1500.50", not a number.'
        )
    if not re.fullmatch(AMOUNT_PATTERN, value):
        raise PydanticCustomError(
            "amount_format", 'Give euros with at most two decimals, e.g. "1500.50" (up to 999999999999.99).'
        )
    return Decimal(value)


Euros = Annotated[
    str,
    BeforeValidator(_euro_text),
    Field(pattern=EUROS_PATTERN, description="euros as a decimal string with two places, e.g. 12345.50"),
]
EurosIn = Annotated[
    Decimal,
    BeforeValidator(_amount_given),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": AMOUNT_PATTERN,
            "maxLength": 15,
            "description": "euros as a decimal string with at most two decimals, e.g. 1500.50",
        }
    ),
]
DecimalText = Annotated[
    str,
    BeforeValidator(_decimal_text),
    Field(pattern=DECIMAL_PATTERN, description="a decimal string, e.g. 80.00"),
]
HelsinkiTime = Annotated[
    datetime.datetime,
    AfterValidator(in_helsinki),
    Field(description="ISO 8601 with the Europe/Helsinki offset, e.g. 2027-03-31T16:15:00+03:00"),
]
CallStatusCode = Literal[tuple(CallStatus.values)]
GrantTypeCode = Literal[tuple(GrantType.values)]
OrganisationTypeCode = Literal[tuple(OrganisationType.values)]


def translated_texts(obj, base: str, languages=("fi", "sv", "en")) -> dict:
    """A field stored once per language (`name_fi`, `name_sv`, …) as one object keyed by language."""
    return {code: getattr(obj, f"{base}_{code}", "") for code in languages}


class TranslatedText(BaseModel):
    fi: str
    sv: str
    en: str


class AgencyOut(Schema):
    code: str
    name: TranslatedText


class ProgrammeOut(Schema):
    code: str
    name: TranslatedText
    agency: AgencyOut
    legal_basis: str
    budget_line: str
    grant_type: GrantTypeCode = Field(description="special: a project grant; general: a grant for operations")


class CriterionOut(TranslatedText):
    weight: DecimalText = Field(description="the criterion's weight in the overall score")


NEXT = Field(description="the next page with the same parameters, as an absolute URL; null on the last page")
NEXT_CURSOR = Field(
    description="the cursor of the next page, for the `cursor` parameter; null on the last page"
)


class CallSummaryOut(Schema):
    id: int
    reference: str
    status: CallStatusCode = Field(description="from the clock at the moment of the request")
    title: TranslatedText
    programme: ProgrammeOut
    opens_at: HelsinkiTime
    closes_at: HelsinkiTime
    appropriation: Euros | None = Field(description="the money the call shares out, euros")
    min_grant: Euros | None
    max_grant: Euros | None
    url: str = Field(description="the call's public page")


AttachmentKind = Literal[ATTACHMENT_KINDS]


class ApplicationFormOut(Schema):
    version: int
    definition: dict = Field(
        description="the form as data: sections of typed questions (schema avustamo.form/1)"
    )
    url: str = Field(
        description="the form with its declarations, required attachments and the JSON Schema of its answers"
    )


class DeclarationOut(Schema):
    id: str = Field(description="what the answer to the declarations question lists when it is confirmed")
    text: TranslatedText


class RequiredAttachmentOut(Schema):
    id: int = Field(description="send it as required_attachment_id with the file")
    name: TranslatedText
    kinds: list[AttachmentKind] = Field(description="the file types accepted, read from the file's content")
    max_size_mb: int
    max_files: int = Field(description="how many files the slot takes; a full slot refuses another file")


class CallFormOut(Schema):
    call_id: int
    version: int = Field(description="an application keeps the version it was started on")
    definition: dict = Field(
        description=(
            "the form as data (schema avustamo.form/1): sections of questions, each with a stable id, its type, "
            "label and help in fi, sv and en, whether it is required, its limits and choices, and the condition "
            "that shows it; answers are keyed by these ids"
        )
    )
    declarations: list[DeclarationOut]
    required_attachments: list[RequiredAttachmentOut]
    answers_schema_url: str = Field(description="the JSON Schema (2020-12) of this version's answers")


class CallOut(CallSummaryOut):
    description: TranslatedText
    how_to_apply: TranslatedText
    themes: list[TranslatedText]
    eligible_organisation_types: list[OrganisationTypeCode]
    declarations: list[DeclarationOut]
    evaluation_criteria: list[CriterionOut]
    required_attachments: list[RequiredAttachmentOut]
    period_earliest_start: datetime.date | None
    period_latest_end: datetime.date | None
    max_share_percent: DecimalText | None = Field(
        description="the largest share of the eligible costs, per cent"
    )
    own_funding_min_percent: DecimalText | None = Field(description="the smallest own funding, per cent")
    co_implementers_allowed: bool = Field(
        description="whether an application may name co-implementers (osatoteuttajat) with their own budget parts"
    )
    own_funding_min_per_co_implementer: bool = Field(
        description="whether each co-implementer's own funding must reach own_funding_min_percent of its costs"
    )
    source_urls: list[str]
    form: ApplicationFormOut | None = Field(description="the application form applicants fill in now")


# What a refusal's `code` may be: integrators branch on these, so each is part of the contract. The services'
# codes that the API's operations can meet, then the request checks' own, folded from pydantic's many types.
SERVICE_ERROR_CODES = (
    "above_maximum",
    "acceptance_late",
    "already_answered",
    "already_decided",
    "already_open",
    "attachment_missing",
    "below_minimum",
    "budget_missing",
    "call_not_closed",
    "call_not_open",
    "completion_overdue",
    "damaged",
    "declarations_missing",
    "grant_not_in_force",
    "ineligible_organisation_type",
    "malformed",
    "message_required",
    "missing_reference_rate",
    "no_form",
    "not_a_draft",
    "not_accepted",
    "not_asked",
    "not_payable",
    "not_submitted",
    "nothing_asked",
    "nothing_requested",
    "own_funding_too_small",
    "period_ends_before_start",
    "period_ends_too_late",
    "period_starts_too_early",
    "reply_by_past",
    "running",
    "sent_attachment",
    "slot_full",
    "share_too_large",
    "stale",
    "stalled",
    "not_stalled",
    "nothing_to_publish",
    "submission_refused",
    "too_few_rows",
    "too_large",
    "too_many_members",
    "unaccepted_type",
    "unknown",
    "unknown_attachment",
    "unknown_question",
    "unpacks_too_large",
    "wrong_call",
    # A joint project's co-implementers (issue 19 §1).
    "business_id_checksum",
    "business_id_format",
    "co_implementer_costs_missing",
    "co_implementer_in_decision",
    "co_implementer_is_applicant",
    "co_implementer_own_funding_above_costs",
    "co_implementer_own_funding_too_small",
    "co_implementer_twice",
    "co_implementers_not_allowed",
    "email",
    "future_date",
    "grant_not_open",
    "no_share",
    "not_an_amount",
    "phone",
    "too_many_co_implementers",
    "unknown_cost_category",
    "unknown_fields",
    # Marks of business secrets (issue 19 §5), refused by the same services as the API's saves.
    "secret_reason_missing",
    "secret_reason_too_long",
    "unknown_part",
)
REQUEST_ERROR_CODES = (
    "required",
    "wrong_type",
    "too_long",
    "too_short",
    "out_of_range",
    "pattern_mismatch",
    "not_allowed",
    "amount_not_text",
    "amount_format",
    "amount_range",
    "invalid_cursor",
    "invalid_business_id",
    # Refused before the API reads the request (core.middleware).
    "null_character",
    "lone_surrogate",
    "malformed_multipart",
    "unreadable_request",
    "invalid",
)
ERROR_CODES = SERVICE_ERROR_CODES + REQUEST_ERROR_CODES
ErrorCode = Literal[ERROR_CODES]


def error_code(code: str | None) -> str:
    """The code as published: one of ERROR_CODES, `invalid` for a refusal without a code of its own."""
    return code if code in ERROR_CODES else "invalid"


def request_error_code(pydantic_type: str) -> str:
    """pydantic's type of a request's problem, folded into the few codes the contract names."""
    if pydantic_type == "missing":
        return "required"
    if pydantic_type.endswith("too_long"):
        return "too_long"
    if pydantic_type.endswith("too_short"):
        return "too_short"
    if pydantic_type.startswith(("greater_than", "less_than", "decimal_max")):
        return "out_of_range"
    if pydantic_type == "string_pattern_mismatch":
        return "pattern_mismatch"
    if pydantic_type in ("literal_error", "enum"):
        return "not_allowed"
    if pydantic_type.endswith(("_type", "_parsing")) or pydantic_type in (
        "model_attributes_type",
        "json_invalid",
    ):
        return "wrong_type"
    return error_code(pydantic_type)


class ProblemOut(Schema):
    field: str = Field(
        description="what the problem is about, e.g. q-project-name or query.status; empty for the whole"
    )
    code: ErrorCode = Field(description="what kind of problem it is, for a program to act on (docs/api.md)")
    message: str = Field(description="for a person: in the language asked for (Accept-Language) or preferred")


class ErrorOut(Schema):
    detail: str
    errors: list[ProblemOut] = []


def refused(message) -> dict:
    """A refusal of the whole request, in the language of the request (`message` is translated lazily)."""
    return {"detail": str(message), "errors": []}


def refusal(field: str, code: str, message) -> dict:
    """One problem with one field, as the API answers it."""
    message = str(message)
    return {"detail": message, "errors": [{"field": field, "code": error_code(code), "message": message}]}


def validation_refusal(error: ValidationError) -> dict:
    """A refusal of the services as the API answers it: the first message, then every problem by field."""
    if hasattr(error, "error_dict"):
        problems = [
            {"field": field, "code": error_code(item.code), "message": message}
            for field, items in error.error_dict.items()
            for item in items
            for message in item.messages
        ]
    else:
        problems = [
            {"field": "", "code": error_code(item.code), "message": item.messages[0]}
            for item in error.error_list
        ]
    return {"detail": problems[0]["message"] if problems else "Refused.", "errors": problems}
