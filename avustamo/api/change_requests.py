"""The applicant API's change requests: the grant's requests and their decisions, and a new request.

The same services and rules as the pages: another organisation's application answers 404."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from avustamo.api.applicant import NO_GRANT, TokenAuth, _my_grant
from avustamo.api.schemas import ErrorOut, Euros, EurosIn, HelsinkiTime, refused, validation_refusal
from avustamo.grants import selectors, services
from avustamo.grants.models import ChangeKind, ChangeOutcome, ChangeRequest, ChangeRequestStatus
from avustamo.programmes.application_form.budget import COST_CATEGORIES

CostCategory = Literal[tuple(COST_CATEGORIES)]
router = Router(auth=TokenAuth(), tags=["applicant"])
REASONS = {"min_length": 1, "max_length": 4000, "description": "why the change is needed"}
COSTS_DESCRIPTION = (
    "new euros by cost category (personnel, purchased_services, rents, travel, equipment, other); a category "
    "left out keeps its amount in force; the total stays the same and none may be negative"
)


class ExtensionIn(Schema):
    period_end: datetime.date = Field(description="the new last day of the period of use")
    reasons: str = Field(**REASONS)


class BudgetIn(Schema):
    costs: dict[CostCategory, EurosIn] = Field(description=COSTS_DESCRIPTION)
    reasons: str = Field(**REASONS)


class ContentIn(Schema):
    text: str = Field(min_length=1, max_length=8000, description="the change of content asked")
    reasons: str = Field(**REASONS)


class ChangeRequestIn(Schema):
    extension: ExtensionIn | None = Field(None, description="ask to extend the period of use")
    budget: BudgetIn | None = Field(None, description="ask to move money between cost categories")
    content: ContentIn | None = Field(None, description="ask to change the content")


class ChangePartOut(Schema):
    kind: Literal[tuple(ChangeKind.values)]
    reasons: str
    asked_period_end: datetime.date | None
    asked_costs: dict[CostCategory, Euros]
    asked_content: str
    outcome: Literal[("", *ChangeOutcome.values)] = Field(description="empty until decided")
    decided_period_end: datetime.date | None = Field(description="in force when accepted (with changes)")
    decided_costs: dict[CostCategory, Euros]
    decided_content: str
    decision_reasons: str


class ChangeRequestOut(Schema):
    id: int
    status: Literal[tuple(ChangeRequestStatus.values)] = Field(
        description="open until every part is decided, then decided"
    )
    submitted_at: HelsinkiTime
    decision_date: datetime.date | None = Field(description="the date of the change decision")
    document_url: str | None = Field(description="the change decision as PDF, in the service, once made")
    parts: list[ChangePartOut]


def _change_request(request, change_request: ChangeRequest) -> dict:
    application_id = change_request.grant.application_id
    return {
        "id": change_request.pk,
        "status": change_request.status,
        "submitted_at": change_request.submitted_at,
        "decision_date": change_request.decision_date,
        "document_url": request.build_absolute_uri(
            reverse("applications:change_decision_document", args=[application_id, change_request.pk])
        )
        if change_request.document
        else None,
        "parts": [
            {
                "kind": part.kind,
                "reasons": part.reasons,
                "asked_period_end": part.asked_period_end,
                "asked_costs": part.asked_budget,
                "asked_content": part.asked_content,
                "outcome": part.outcome,
                "decided_period_end": part.decided_period_end,
                "decided_costs": part.decided_budget,
                "decided_content": part.decided_content,
                "decision_reasons": part.decision_reasons,
            }
            for part in change_request.parts.all()
        ],
    }


@router.get(
    "/applications/{application_id}/grant/change-requests",
    operation_id="listChangeRequests",
    response={200: list[ChangeRequestOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The grant's change requests and their change decisions",
)
def list_change_requests(request, application_id: int):
    grant = _my_grant(request, application_id)
    if grant is None:
        return Status(404, refused(NO_GRANT))
    return [_change_request(request, item) for item in selectors.change_requests_of(grant)]


@router.post(
    "/applications/{application_id}/grant/change-requests",
    operation_id="submitChangeRequest",
    response={
        201: ChangeRequestOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Ask to extend the period of use, move money between cost categories or change the content",
)
def submit_change_request(request, application_id: int, payload: ChangeRequestIn):
    grant = _my_grant(request, application_id)
    if grant is None:
        return Status(404, refused(NO_GRANT))
    asked = {}
    if payload.extension is not None:
        asked |= {"period_end": payload.extension.period_end, "extension_reasons": payload.extension.reasons}
    if payload.budget is not None:
        asked |= {"costs": payload.budget.costs, "budget_reasons": payload.budget.reasons}
    if payload.content is not None:
        asked |= {"content": payload.content.text, "content_reasons": payload.content.reasons}
    try:
        change_request = services.change_request_submit(grant=grant, **asked, acting_user=request.auth)
    except ValidationError as error:
        status = 409 if getattr(error, "code", None) == "already_open" else 422
        return Status(status, validation_refusal(error))
    return Status(201, _change_request(request, change_request))
