import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Schema
from pydantic import BaseModel, Field


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
    grant_type: str


class CriterionOut(TranslatedText):
    weight: Decimal


class CallSummaryOut(Schema):
    id: int
    reference: str
    status: str = Field(description="upcoming, open or closed, from the clock at the moment of the request")
    title: TranslatedText
    programme: ProgrammeOut
    opens_at: datetime.datetime = Field(description="ISO 8601 with the Europe/Helsinki offset")
    closes_at: datetime.datetime = Field(description="ISO 8601 with the Europe/Helsinki offset")
    appropriation: Decimal | None = Field(description="euros, as a decimal string")
    min_grant: Decimal | None
    max_grant: Decimal | None
    url: str = Field(description="the call's public page")


class ApplicationFormOut(Schema):
    version: int
    definition: dict = Field(
        description="the form as data: sections of typed questions (schema avustamo.form/1)"
    )


class CallOut(CallSummaryOut):
    description: TranslatedText
    how_to_apply: TranslatedText
    themes: list[TranslatedText]
    eligible_organisation_types: list[str]
    declarations: list[TranslatedText]
    evaluation_criteria: list[CriterionOut]
    required_attachments: list[TranslatedText]
    period_earliest_start: datetime.date | None
    period_latest_end: datetime.date | None
    max_share_percent: Decimal | None
    own_funding_min_percent: Decimal | None
    source_urls: list[str]
    form: ApplicationFormOut | None = Field(description="the application form applicants fill in now")


class ProblemOut(Schema):
    field: str = Field(
        description="what the problem is about, e.g. q-project-name or query.status; empty for the whole"
    )
    code: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ProblemOut] = []


def validation_refusal(error: ValidationError) -> dict:
    """A refusal of the services as the API answers it: the first message, then every problem by field."""
    if hasattr(error, "error_dict"):
        problems = [
            {"field": field, "code": item.code or "invalid", "message": message}
            for field, items in error.error_dict.items()
            for item in items
            for message in item.messages
        ]
    else:
        problems = [
            {"field": "", "code": item.code or "invalid", "message": item.messages[0]}
            for item in error.error_list
        ]
    return {"detail": problems[0]["message"] if problems else "Refused.", "errors": problems}
