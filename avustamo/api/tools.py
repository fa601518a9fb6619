"""Tools for officials through the API, with a staff member's personal token: the law's interest."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status
from ninja.errors import AuthorizationError
from pydantic import BaseModel, Field

from avustamo.api.applicant import TokenAuth
from avustamo.api.schemas import AMOUNT_PATTERN, DecimalText, ErrorOut, Euros, validation_refusal
from avustamo.payments import interest, selectors

NOT_STAFF = gettext_lazy("Only officials' tokens may use the tools.")


class OfficialTokenAuth(TokenAuth):
    """An official's token with the right to the tools: anyone else's is refused (403) before the query is read,
    so that a query of the wrong shape tells nothing to someone who may not use the tool."""

    def authenticate(self, request, token: str):
        user = super().authenticate(request, token)
        if not user.has_perm("payments.calculate_interest"):
            raise AuthorizationError(403, str(NOT_STAFF))
        return user


router = Router(auth=OfficialTokenAuth(), tags=["tools"])

Percent = Annotated[DecimalText, Field(description="per cent a year as a decimal string, e.g. 5.50")]


class InterestQuery(Schema):
    amount: str = Field(
        ..., max_length=15, pattern=AMOUNT_PATTERN, description="the amount returned or recovered, in euros"
    )
    start: datetime.date = Field(
        ..., description="the first day counted: the payment day (grant) or the due date (penalty)"
    )
    end: datetime.date = Field(..., description="the day the money is paid back: not counted")
    kind: Literal[tuple(interest.InterestKind.values)] = Field(
        ...,
        description="grant: section 24 of 688/2001, reference rate + 3 points; penalty: section 25, + 7 points",
    )


class InterestPeriodOut(BaseModel):
    first_day: datetime.date
    last_day: datetime.date
    days: int
    reference_rate: Percent = Field(description="the Interest Act's reference rate of the half-year")
    rate: Percent = Field(description="the reference rate plus the law's added points")
    interest: Euros = Field(description="this period's interest, rounded half up to the cent")


class InterestOut(BaseModel):
    amount: Euros
    start: datetime.date
    end: datetime.date
    kind: Literal[tuple(interest.InterestKind.values)]
    days: int = Field(description="days counted: from start up to the day before end")
    periods: list[InterestPeriodOut] = Field(description="one per half-year, oldest first")
    total: Euros = Field(description="the sum of the periods' rounded interest")


@router.get(
    "/tools/interest",
    operation_id="calculateInterest",
    response={200: InterestOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Interest on a returned or recovered grant",
)
def get_interest(request, query: Query[InterestQuery]):
    """Interest of section 24 or penalty interest of section 25 of the Act on Discretionary Government Transfers,
    per half-year of the Interest Act's reference rate; actual days over a 365-day year (docs/interest.md).

    A half-year without an entered reference rate is refused (422) rather than guessed.
    """
    try:
        result = interest.calculate_interest(
            amount=Decimal(query.amount),
            start=query.start,
            end=query.end,
            kind=query.kind,
            rates=selectors.reference_rates(query.start, query.end),
        )
    except ValidationError as error:
        return Status(422, validation_refusal(error))
    return {
        "amount": f"{result.amount:.2f}",
        "start": result.start,
        "end": result.end,
        "kind": result.kind,
        "days": result.days,
        "periods": [
            {
                "first_day": period.first_day,
                "last_day": period.last_day,
                "days": period.days,
                "reference_rate": f"{period.reference_rate:.2f}",
                "rate": f"{period.rate:.2f}",
                "interest": f"{period.interest:.2f}",
            }
            for period in result.periods
        ],
        "total": f"{result.total:.2f}",
    }
