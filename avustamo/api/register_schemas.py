"""What the register's API takes and gives: the register's filters as query parameters, published grants and
statistics. Every amount is euros as a decimal string with two places, never a JSON number.

Answers are plain pydantic models, built from dicts: ninja's Schema would wrap every nested dict to read Django
objects, which costs a third of a page's time and is not needed here."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import BaseModel, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from avustamo.api.schemas import (
    AMOUNT_PATTERN,
    NEXT,
    NEXT_CURSOR,
    Euros,
    OrganisationTypeCode,
    TranslatedText,
    cursor_field,
)
from avustamo.register.models import GrantOutcome, PublishedGrant
from avustamo.register.selectors import ALL_OUTCOMES, DEFAULT_SORT, MAX_PAGE_SIZE, PAGE_SIZE, SORTS

# Programme codes and call references are slugs.
CODE_PATTERN = r"^[A-Za-z0-9_-]*$"
BUSINESS_ID_PATTERN = r"^[0-9]{7}-[0-9]$"
EXAMPLE_BUSINESS_ID = "1234567-1"

Outcome = Literal[tuple(GrantOutcome.values)]
OutcomeFilter = Literal[(*GrantOutcome.values, ALL_OUTCOMES)]
Sort = Literal[tuple(SORTS)]
Source = Literal[tuple(PublishedGrant.Source.values)]

OutcomeParam = Annotated[
    OutcomeFilter,
    Field(description="awarded (default), rejected, not_examined, or all: every published decision"),
]
Year = Annotated[int, Field(ge=1900, le=2100, description="funding year, e.g. 2021")]
AgencyCode = Annotated[str, Field(max_length=20, description="the agency's code, e.g. TEM (any case)")]
ProgrammeCode = Annotated[
    str,
    Field(max_length=60, pattern=CODE_PATTERN, description="the programme's code, e.g. tem-talent-hub"),
]
RegionCode = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{2}$",
        description="the recipient's region (maakunta) by its Statistics Finland code, 01–21",
    ),
]
AmountLimit = Annotated[str, Field(max_length=15, pattern=AMOUNT_PATTERN)]
AMOUNT_RULE = "in euros, 0–999999999999.99 with at most two decimals, e.g. 20000 or 1500.50"


def _without_default(schema: dict) -> None:
    schema.pop("default", None)


def not_given(**kwargs):
    """A filter that applies only when given. A query parameter is never null: left out, it is None here, and
    the description shows it as optional rather than as a null value."""
    return Field(None, json_schema_extra=_without_default, **kwargs)


class GrantQuery(Schema):
    year: Year = not_given()
    agency: AgencyCode = ""
    programme: ProgrammeCode = ""
    call: str = Field(
        "", max_length=60, pattern=CODE_PATTERN, description="the call's reference, e.g. TEM-KOTO-2021"
    )
    region: RegionCode = not_given()
    organisation_type: OrganisationTypeCode = not_given(description="the recipient's organisation type")
    min_amount: AmountLimit = not_given(description=f"amount awarded at least, {AMOUNT_RULE}")
    max_amount: AmountLimit = not_given(
        description=f"amount awarded at most, {AMOUNT_RULE}; not below min_amount"
    )
    q: str = Field(
        "",
        max_length=200,
        description=(
            "search words matched against the recipient's name, the project's name and its purpose in Finnish, "
            "Swedish and English; each word must match the beginning of a word or of its stem"
        ),
    )
    outcome: OutcomeParam = GrantOutcome.AWARDED.value
    sort: Sort = Field(
        DEFAULT_SORT,
        description=(
            "newest (funding year, newest first; default), oldest, amount_desc, amount_asc or recipient "
            "(name A–Z); ties are always broken by id, so the order is stable"
        ),
    )
    cursor: str = cursor_field()
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="grants per page")

    @field_validator("max_amount")
    @classmethod
    def _not_below_min_amount(cls, value: str | None, info: ValidationInfo) -> str | None:
        low = info.data.get("min_amount")
        if value is not None and low is not None and Decimal(value) < Decimal(low):
            raise PydanticCustomError("amount_range", "max_amount is below min_amount.")
        return value


class StatisticsQuery(Schema):
    year: Year = not_given()
    agency: AgencyCode = ""
    programme: ProgrammeCode = ""
    region: RegionCode = not_given()
    outcome: OutcomeParam = GrantOutcome.AWARDED.value


class CodedNameOut(BaseModel):
    code: str
    name: TranslatedText


class RegionOut(BaseModel):
    code: str = Field(description="Statistics Finland's region code, 01–21")
    name: TranslatedText


class MunicipalityNameOut(BaseModel):
    fi: str
    sv: str


class MunicipalityOut(BaseModel):
    code: str = Field(description="Statistics Finland's municipality number, three digits")
    name: MunicipalityNameOut


class CallRefOut(BaseModel):
    reference: str
    title: TranslatedText


class RecipientOut(BaseModel):
    name: str = Field(description="the recipient's name exactly as the decision was published")
    business_id: str | None = Field(
        description="Business ID (Y-tunnus) when it was published; null for historic rows published without one"
    )
    organisation_type: OrganisationTypeCode | None = Field(description="null when the source did not say")
    url: str = Field(
        description=(
            "the public page of the recipient's grant history: by Business ID when known, otherwise by the exact "
            "name as published"
        )
    )


class GrantOut(BaseModel):
    id: int = Field(description="the register's own id, as in /api/v1/grants/{id}")
    identifier: str = Field(
        description="the grant's identifier in the 360Giving Data Standard: 360G-<agency prefix>-<id>"
    )
    outcome: Outcome = Field(
        description="awarded, rejected or not_examined; negative decisions appear as the agency publishes them"
    )
    amount_awarded: Euros = Field(
        description="euros as a decimal string with two places; 0.00 unless awarded"
    )
    recipient: RecipientOut
    region: RegionOut | None = Field(description="the recipient's region; null when not published")
    municipality: MunicipalityOut | None = Field(
        description="the recipient's home municipality; null when not published"
    )
    project_name: str
    purpose: str = Field(description="the purpose of use as decided; empty for negative decisions")
    funding_year: int
    decision_date: datetime.date | None = Field(description="null for historic rows published without it")
    period_start: datetime.date | None = Field(description="the period of use; null when not published")
    period_end: datetime.date | None
    agency: CodedNameOut
    programme: CodedNameOut
    call: CallRefOut
    source: Source = Field(
        description="decision: decided and published in this service; published_history: imported from the "
        "funder's own published register"
    )
    source_url: str | None = Field(description="where the funder published the row; null when not known")
    url: str = Field(description="the grant's public page, in Finnish")


class GrantPageOut(BaseModel):
    grants: list[GrantOut]
    next: str | None = NEXT
    next_cursor: str | None = NEXT_CURSOR
    previous: str | None = Field(
        description="the previous page with the same filters, as an absolute URL; null on the first page"
    )
    previous_cursor: str | None = Field(description="the cursor of the previous page; null on the first page")


class OrganisationTotalsOut(BaseModel):
    decisions: int = Field(description="published decisions of every outcome")
    awarded: int = Field(description="decisions awarding a grant")
    amount_awarded: Euros


class OrganisationHistoryOut(BaseModel):
    business_id: str
    name: str = Field(description="the name on the organisation's latest published decision")
    totals: OrganisationTotalsOut
    grants: list[GrantOut] = Field(description="every published decision, newest funding year first")
    url: str = Field(description="the organisation's public page, in Finnish")


class TotalOut(BaseModel):
    grants: int = Field(description="number of published decisions")
    amount_awarded: Euros


class YearTotalOut(TotalOut):
    year: int


class CodedTotalOut(TotalOut):
    code: str
    name: TranslatedText


class RegionTotalOut(TotalOut):
    code: str | None = Field(description="Statistics Finland's region code; null: region not published")
    name: TranslatedText | None = Field(description="null: region not published")


class StatisticsOut(BaseModel):
    total: TotalOut
    by_year: list[YearTotalOut] = Field(description="oldest year first")
    by_agency: list[CodedTotalOut] = Field(description="by agency code")
    by_programme: list[CodedTotalOut] = Field(description="by programme code")
    by_region: list[RegionTotalOut] = Field(
        description="by region code; the decisions whose region was not published come last, with code null"
    )
