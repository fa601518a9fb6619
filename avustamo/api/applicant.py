"""The applicant API: the same services as the pages, for an organisation's own systems.

Authenticated with a personal token (`Authorization: Bearer avu_…`). Another organisation's application
answers 404, exactly like one that does not exist.
"""

import datetime
import hashlib
import json
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer
from pydantic import Field

from avustamo.accounts.services import TokenRefused, api_token_in_use
from avustamo.api.schemas import (
    INVALID_CURSOR,
    NEXT,
    NEXT_CURSOR,
    AttachmentKind,
    DecimalText,
    ErrorOut,
    Euros,
    EurosIn,
    HelsinkiTime,
    TranslatedText,
    cursor_field,
    error_code,
    page_link,
    pdf_answer,
    refusal,
    refused,
    translated_texts,
    validation_refusal,
)
from avustamo.applications import selectors, services
from avustamo.applications.documents import sent_application_document
from avustamo.applications.models import Application, ApplicationStatus
from avustamo.core.downloads import file_download
from avustamo.core.ids import MAX_ID, id_or_none
from avustamo.core.keyset import InvalidCursor, page_after
from avustamo.core.translation import language_code
from avustamo.decisions.models import Decision, Outcome
from avustamo.decisions.selectors import published_decision
from avustamo.grants import services as grant_services
from avustamo.grants.models import GrantStatus
from avustamo.grants.selectors import grant_of_application
from avustamo.organisations.models import Membership, Organisation
from avustamo.organisations.selectors import memberships_for_person
from avustamo.payments import services as payment_services
from avustamo.payments.models import PaymentApplicationStatus
from avustamo.payments.selectors import payment_applications_of
from avustamo.programmes.application_form.budget import COST_CATEGORIES
from avustamo.programmes.selectors import public_call, required_attachment_of_call
from avustamo.reports.models import ReportStatus
from avustamo.reports.selectors import reports_due

APPLICATIONS_PER_PAGE = 50
MAX_APPLICATIONS_PER_PAGE = 200
# A report the organisation has not opened yet has no status of its own.
NOT_STARTED = "not_started"


class TokenAuth(HttpBearer):
    """A personal token: refused with its reason (401: unknown, revoked or expired; 403: a read-only token asked
    to write, or an official's token without a second factor).

    Rights before the body: whether the person acts for the application named in the path is read with the token,
    in its statement, before django-ninja reads the request's body, so that a request about an application not
    theirs is 404 whatever it carries (as for one that does not exist)."""

    def authenticate(self, request, token: str):
        application_id = _path_application_id(request)
        also = {}
        if application_id:
            also["acts_for_path_application"] = selectors.person_acts_for_application(
                person=OuterRef("user_id"), pk=application_id
            )
        try:
            api_token = api_token_in_use(
                token, writing=request.method not in ("GET", "HEAD", "OPTIONS"), also=also
            )
        except TokenRefused as refusal:
            if refusal.forbidden:
                raise AuthorizationError(403, str(refusal)) from refusal
            raise AuthenticationError(401, str(refusal)) from refusal
        if not getattr(request, "api_language_asked", True) and api_token.user.preferred_language:
            translation.activate(api_token.user.preferred_language)
        if application_id is not None and not (application_id and api_token.acts_for_path_application):
            raise AuthorizationError(404, str(NOT_FOUND))
        request.user = api_token.user
        request.path_application_id = application_id
        return api_token.user


def _path_application_id(request) -> int | None:
    """The id of the application the path names; None when it names none, 0 when no application can have it."""
    match = request.resolver_match
    if match is None or "application_id" not in match.kwargs:
        return None
    return id_or_none(match.kwargs["application_id"]) or 0


router = Router(auth=TokenAuth(), tags=["applicant"])


class OrganisationOut(Schema):
    id: int
    name: str
    business_id: str
    role: Literal[tuple(Membership.Role.values)] = Field(
        description="administrator: also manages the organisation's people; member: applies and reports"
    )


class MeOut(Schema):
    email: str
    full_name: str
    organisations: list[OrganisationOut]


class AttachmentOut(Schema):
    id: int
    file_name: str
    kind: AttachmentKind = Field(description="the file's type, read from its content")
    size: int = Field(description="bytes")
    sha256: str
    question_id: str
    required_attachment_id: int | None


class ApplicationSummaryOut(Schema):
    id: int
    call_id: int
    organisation_id: int
    status: Literal[tuple(ApplicationStatus.values)]
    register_number: str | None = Field(description="given at submission, e.g. TEM/1234/2027")
    version: int = Field(description="send it back with a save: a save based on an older version is refused")
    updated_at: HelsinkiTime
    submitted_at: HelsinkiTime | None


class CoImplementerOut(Schema):
    id: int
    business_id: str
    name: str
    costs: dict[str, Euros] = Field(description="its eligible costs by the budget's cost categories")
    own_funding: Euros
    contact_name: str
    contact_email: str
    contact_phone: str


class CoImplementerIn(Schema):
    """A co-implementer of a joint project; in a change, the fields left out are kept."""

    business_id: str | None = Field(None, max_length=20, description="e.g. 1234567-1")
    name: str | None = Field(None, max_length=255)
    costs: dict[str, EurosIn] | None = Field(
        None, description="euros by cost category: " + ", ".join(COST_CATEGORIES)
    )
    own_funding: EurosIn | None = None
    contact_name: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=254)
    contact_phone: str | None = Field(None, max_length=40)


class ApplicationOut(ApplicationSummaryOut):
    form_version: int
    answers: dict
    attachments: list[AttachmentOut]
    co_implementers: list[CoImplementerOut] = Field(
        description="the joint project's co-implementers, where the call allows them"
    )
    requested_amount: Euros | None = Field(description="set at submission, euros as a decimal string")
    total_eligible_costs: Euros | None = Field(description="set at submission, euros as a decimal string")


# Strict: JSON `true` or "12" is not an id, as the OpenAPI description says.
class StartIn(Schema):
    call_id: int = Field(ge=1, le=MAX_ID, strict=True)
    organisation_id: int = Field(ge=1, le=MAX_ID, strict=True)


class AnswersIn(Schema):
    version: int = Field(
        ge=0,
        le=MAX_ID,
        strict=True,
        description="the version you read; a save based on an older one is refused",
    )
    answers: dict = Field(description="answers by question id; a null value removes an answer")


def _summary(application: Application) -> dict:
    return {
        "id": application.pk,
        "call_id": application.call_id,
        "organisation_id": application.organisation_id,
        "status": application.status,
        "register_number": application.register_number,
        "version": application.version,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
    }


def _attachment(attachment) -> dict:
    return {
        "id": attachment.pk,
        "file_name": attachment.original_name,
        "kind": attachment.kind,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "question_id": attachment.question_id,
        "required_attachment_id": attachment.required_attachment_id,
    }


def _acts_for(request, application_id: int) -> bool:
    """Whether TokenAuth found that the person acts for the application in the path (before the body was read)."""
    return getattr(request, "path_application_id", None) == application_id


def _mine(request, application_id: int) -> Application | None:
    """The application with its form if the person acts for its organisation; otherwise None, as for one that
    does not exist."""
    if not _acts_for(request, application_id):
        return None
    return selectors.application_and_form_for_person(person=request.auth, pk=application_id)


def _co_implementer(co_implementer) -> dict:
    return {
        "id": co_implementer.pk,
        "business_id": co_implementer.business_id,
        "name": co_implementer.name,
        "costs": co_implementer.costs,
        "own_funding": co_implementer.own_funding,
        "contact_name": co_implementer.contact_name,
        "contact_email": co_implementer.contact_email,
        "contact_phone": co_implementer.contact_phone,
    }


def _detail(application: Application) -> dict:
    return _summary(application) | {
        "form_version": application.form.version,
        "answers": application.answers,
        "attachments": [_attachment(attachment) for attachment in application.attachments.all()],
        # Only a call that allows co-implementers has any (programmes.services.call_update): no need to read it.
        "co_implementers": [_co_implementer(item) for item in application.co_implementers.all()],
        "requested_amount": application.requested_amount,
        "total_eligible_costs": application.total_eligible_costs,
    }


NOT_FOUND = gettext_lazy("No application of yours has this id.")
NO_CALL_OR_ORGANISATION = gettext_lazy("No published call or organisation of yours has this id.")


@router.get(
    "/me",
    operation_id="getMe",
    response={200: MeOut, 401: ErrorOut},
    summary="The signed-in person and the organisations they act for",
)
def me(request):
    return {
        "email": request.auth.email,
        "full_name": request.auth.full_name,
        "organisations": [
            {
                "id": membership.organisation_id,
                "name": membership.organisation.name,
                "business_id": membership.organisation.business_id,
                "role": membership.role,
            }
            for membership in memberships_for_person(person=request.auth)
        ],
    }


class ApplicationPageQuery(Schema):
    cursor: str = cursor_field()
    limit: int = Field(
        APPLICATIONS_PER_PAGE, ge=1, le=MAX_APPLICATIONS_PER_PAGE, description="applications per page"
    )


class ApplicationPageOut(Schema):
    applications: list[ApplicationSummaryOut]
    next: str | None = NEXT
    next_cursor: str | None = NEXT_CURSOR


@router.get(
    "/applications",
    operation_id="listApplications",
    response={200: ApplicationPageOut, 401: ErrorOut, 422: ErrorOut},
    summary="Your organisations' applications, the latest changed first",
)
def list_applications(request, query: Query[ApplicationPageQuery]):
    """A page at a time: follow `next` (or send `next_cursor`) until it is null."""
    applications = selectors.applications_for_person(person=request.auth)
    try:
        page = page_after(applications, ("-updated_at", "-id"), cursor=query.cursor, size=query.limit)
    except InvalidCursor:
        return Status(422, refusal("query.cursor", "invalid_cursor", INVALID_CURSOR))
    return {
        "applications": [_summary(application) for application in page.rows],
        "next": page_link(request, query, page.next_cursor),
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/applications",
    operation_id="startApplication",
    response={201: ApplicationOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Start a draft for a call and an organisation",
)
def start_application(request, payload: StartIn):
    call = public_call(pk=payload.call_id)
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if call is None or organisation is None:
        return Status(404, refused(NO_CALL_OR_ORGANISATION))
    try:
        application = services.application_start(
            call=call, organisation=organisation, acting_user=request.auth
        )
    except PermissionDenied:
        return Status(404, refused(NO_CALL_OR_ORGANISATION))
    except ValidationError as error:
        return Status(422, validation_refusal(error))
    return Status(201, _detail(selectors.application_for_person(person=request.auth, pk=application.pk)))


@router.get(
    "/applications/{application_id}",
    operation_id="getApplication",
    response={200: ApplicationOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One application",
)
def get_application(request, application_id: int):
    application = _mine(request, application_id)
    if application is None:
        return Status(404, refused(NOT_FOUND))
    return _detail(application)


@router.patch(
    "/applications/{application_id}",
    operation_id="saveAnswers",
    response={200: ApplicationOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Save answers (with the version you read)",
)
def save_answers(request, application_id: int, payload: AnswersIn):
    if not _acts_for(request, application_id):
        return Status(404, refused(NOT_FOUND))
    try:
        # The service locks the application and reads it then: only its id is needed here.
        application = services.application_save(
            application=Application(pk=application_id),
            answers=payload.answers,
            version=payload.version,
            acting_user=request.auth,
            only_changes=True,
        )
    except ValidationError as error:
        return Status(409 if getattr(error, "code", None) == "stale" else 422, validation_refusal(error))
    return _detail(application)


@router.post(
    "/applications/{application_id}/attachments",
    operation_id="addAttachment",
    response={201: AttachmentOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Attach a file (for a required attachment of the call or an attachment question)",
)
def add_attachment(
    request,
    application_id: int,
    file: File[UploadedFile],
    required_attachment_id: Form[str] = "",
    question_id: Form[str] = "",
):
    """Name either `required_attachment_id` (one of the call's required attachments) or `question_id`."""
    application = _mine(request, application_id)
    if application is None:
        return Status(404, refused(NOT_FOUND))
    required = None
    if required_attachment_id:
        required = required_attachment_of_call(
            call_id=application.call_id, pk=id_or_none(required_attachment_id)
        )
        if required is None:
            return Status(
                422,
                refusal("required_attachment_id", "unknown", _("The call has no such required attachment.")),
            )
    try:
        attachment = services.attachment_add(
            application=application,
            upload=file,
            required_attachment=required,
            question_id=question_id[:64],
            acting_user=request.auth,
        )
    except ValidationError as error:
        return Status(422, validation_refusal(error))
    return Status(201, _attachment(attachment))


@router.post(
    "/applications/{application_id}/submit",
    operation_id="submitApplication",
    response={200: ApplicationOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Submit before the deadline, or send back a completed application; 422 lists every problem",
)
def submit_application(request, application_id: int):
    application = _mine(request, application_id)
    if application is None:
        return Status(404, refused(NOT_FOUND))
    submit = (
        services.completion_submit
        if application.status == ApplicationStatus.COMPLETION_REQUESTED
        else services.application_submit
    )
    try:
        application = submit(application=application, acting_user=request.auth)
    except services.SubmissionRefused as refusal:
        problems = [problem | {"code": error_code(problem["code"])} for problem in refusal.problems]
        return Status(422, {"detail": _("The application cannot be submitted yet."), "errors": problems})
    except ValidationError as error:
        return Status(422, validation_refusal(error))
    return _detail(application)


@router.post(
    "/applications/{application_id}/withdraw",
    operation_id="withdrawApplication",
    response={200: ApplicationOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Withdraw before the call closes",
)
def withdraw_application(request, application_id: int):
    application = _mine(request, application_id)
    if application is None:
        return Status(404, refused(NOT_FOUND))
    try:
        services.application_withdraw(application=application, acting_user=request.auth)
    except ValidationError as error:
        return Status(422, validation_refusal(error))
    return _detail(selectors.application_for_person(person=request.auth, pk=application.pk))


NO_CO_IMPLEMENTER = gettext_lazy("The application has no co-implementer with this id.")


@router.post(
    "/applications/{application_id}/co-implementers",
    operation_id="addCoImplementer",
    response={201: CoImplementerOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Name a co-implementer of the joint project, with its part of the budget",
)
def add_co_implementer(request, application_id: int, payload: CoImplementerIn):
    application = _mine(request, application_id)
    if application is None:
        return Status(404, refused(NOT_FOUND))
    try:
        co_implementer = services.co_implementer_add(
            application=application, acting_user=request.auth, **payload.dict(exclude_none=True)
        )
    except ValidationError as error:
        return Status(422, validation_refusal(error))
    return Status(201, _co_implementer(co_implementer))


def _my_co_implementer(request, application_id: int, co_implementer_id: int):
    application = _mine(request, application_id)
    if application is None:
        return None, Status(404, refused(NOT_FOUND))
    co_implementer = application.co_implementers.filter(pk=id_or_none(co_implementer_id)).first()
    if co_implementer is None:
        return None, Status(404, refused(NO_CO_IMPLEMENTER))
    return co_implementer, None


@router.patch(
    "/applications/{application_id}/co-implementers/{co_implementer_id}",
    operation_id="changeCoImplementer",
    response={200: CoImplementerOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a co-implementer; the fields left out are kept",
)
def change_co_implementer(request, application_id: int, co_implementer_id: int, payload: CoImplementerIn):
    co_implementer, refusal_ = _my_co_implementer(request, application_id, co_implementer_id)
    if co_implementer is None:
        return refusal_
    try:
        co_implementer = services.co_implementer_change(
            co_implementer=co_implementer, acting_user=request.auth, **payload.dict(exclude_none=True)
        )
    except ValidationError as error:
        return Status(422, validation_refusal(error))
    return _co_implementer(co_implementer)


@router.delete(
    "/applications/{application_id}/co-implementers/{co_implementer_id}",
    operation_id="removeCoImplementer",
    response={204: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Remove a co-implementer; its part leaves the budget with it",
)
def remove_co_implementer(request, application_id: int, co_implementer_id: int):
    co_implementer, refusal_ = _my_co_implementer(request, application_id, co_implementer_id)
    if co_implementer is None:
        return refusal_
    try:
        services.co_implementer_remove(co_implementer=co_implementer, acting_user=request.auth)
    except ValidationError as error:
        return Status(422, validation_refusal(error))
    return Status(204, None)


class CallRefOut(Schema):
    id: int
    reference: str
    title: TranslatedText


class ApplicantOut(Schema):
    name: str
    business_id: str


class SentAttachmentOut(Schema):
    id: int
    file_name: str
    sha256: str = Field(description="of the file's content, to check a copy against")


class ReceiptOut(Schema):
    application_id: int
    register_number: str = Field(description="identifies the application in every message from the agency")
    version: int = Field(description="1 as first submitted; each completion sent back is the next")
    received_at: HelsinkiTime = Field(
        description="when the service received it, the moment that counts for the deadline"
    )
    sent_by: str = Field(description="the person who sent it")
    call: CallRefOut
    applicant: ApplicantOut
    project_name: str
    requested_amount: Euros | None
    answers_sha256: str = Field(
        description="SHA-256 of the answers as sent, serialised as JSON with sorted keys, no spaces and UTF-8"
    )
    attachments: list[SentAttachmentOut] = Field(description="the files sent with this version")
    document_url: str = Field(description="the application as sent, as PDF, in the language asked for")


NOT_SENT = gettext_lazy("No application of yours with this id has been sent.")


def _sent(request, application_id: int):
    """The person's application and the version last sent, or (None, None) when there is none."""
    application = _mine(request, application_id)
    sent = selectors.latest_sent_version(application=application) if application is not None else None
    return (application, sent) if sent is not None else (None, None)


def _answers_digest(answers: dict) -> str:
    canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@router.get(
    "/applications/{application_id}/receipt",
    operation_id="getReceipt",
    response={200: ReceiptOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The receipt of the application as last sent",
)
def get_receipt(request, application_id: int):
    application, sent = _sent(request, application_id)
    if sent is None:
        return Status(404, refused(NOT_SENT))
    call = application.call
    sent_ids = set(sent.attachment_ids)
    return {
        "application_id": application.pk,
        "register_number": application.register_number,
        "version": sent.number,
        "received_at": sent.sent_at,
        "sent_by": sent.sent_by.full_name,
        "call": {"id": call.pk, "reference": call.reference, "title": translated_texts(call, "title")},
        "applicant": {"name": application.applicant_name, "business_id": application.applicant_business_id},
        "project_name": application.project_name,
        "requested_amount": sent.requested_amount,
        "answers_sha256": _answers_digest(sent.answers),
        "attachments": [
            {"id": attachment.pk, "file_name": attachment.original_name, "sha256": attachment.sha256}
            for attachment in application.attachments.all()
            if attachment.pk in sent_ids
        ],
        "document_url": request.build_absolute_uri(
            reverse("api:get_receipt_document", kwargs={"application_id": application_id})
        ),
    }


@router.get(
    "/applications/{application_id}/receipt.pdf",
    operation_id="getReceiptDocument",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The application as last sent, as PDF, in the language asked for (Accept-Language)",
    openapi_extra=pdf_answer("PDF"),
)
def get_receipt_document(request, application_id: int):
    application, sent = _sent(request, application_id)
    if sent is None:
        return Status(404, refused(NOT_SENT))
    document = sent_application_document(application, sent, language_code())
    return file_download(document, name=document.name, kind="pdf")


class InstalmentOut(Schema):
    percent: DecimalText = Field(description="per cent of the amount, e.g. 80.00")
    condition: Literal[tuple(Decision.InstalmentCondition.values)]


class ReportDueOut(Schema):
    kind: Literal[tuple(Decision.ReportKind.values)]
    due: datetime.date


class DecisionOut(Schema):
    id: int
    register_number: str
    outcome: Literal[tuple(Outcome.values)]
    language: Literal["fi", "sv"] = Field(
        description="the language the decision is made in: the applicant's, Finnish or Swedish"
    )
    decision_date: datetime.date
    amount: Euros
    purpose: str
    eligible_costs: Euros | None
    max_share_percent: DecimalText | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    instalments: list[InstalmentOut]
    reports_due: list[ReportDueOut]
    conditions: str
    reasons: str
    corrects_decision_id: int | None
    document_url: str = Field(description="the decision document as PDF/A in the decision's language")


def _published_decision(request, application_id: int):
    application = _mine(request, application_id)
    return None if application is None else published_decision(application_pk=application.pk)


NO_DECISION = gettext_lazy("No published decision on an application of yours has this id.")


@router.get(
    "/applications/{application_id}/decision",
    operation_id="getDecision",
    response={200: DecisionOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The published decision on an application",
)
def get_decision(request, application_id: int):
    decision = _published_decision(request, application_id)
    if decision is None:
        return Status(404, refused(NO_DECISION))
    return {
        "id": decision.pk,
        "register_number": decision.application.register_number,
        "outcome": decision.outcome,
        "language": decision.language,
        "decision_date": decision.decision_date,
        "amount": decision.amount,
        "purpose": decision.purpose,
        "eligible_costs": decision.eligible_costs,
        "max_share_percent": decision.max_share_percent,
        "period_start": decision.period_start,
        "period_end": decision.period_end,
        "instalments": decision.instalments,
        "reports_due": decision.reports_due,
        "conditions": decision.conditions,
        "reasons": decision.reasons,
        "corrects_decision_id": decision.corrects_id,
        "document_url": request.build_absolute_uri(
            reverse("api:get_decision_document", kwargs={"application_id": application_id})
        ),
    }


@router.get(
    "/applications/{application_id}/decision.pdf",
    operation_id="getDecisionDocument",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The published decision document (PDF/A) in the decision's language",
    openapi_extra=pdf_answer("PDF/A"),
)
def get_decision_document(request, application_id: int):
    decision = _published_decision(request, application_id)
    if decision is None or not decision.document:
        return Status(404, refused(NO_DECISION))
    name = f"{decision.application.register_number.replace('/', '-')}-{decision.language}.pdf"
    return file_download(decision.document, name=name, kind="pdf")


class GrantAcceptanceOut(Schema):
    status: Literal[tuple(GrantStatus.values)]
    amount: Euros = Field(description="the amount of the decision in force, euros")
    requires_acceptance: bool = Field(description="whether the call asks for acceptance before any payment")
    may_be_paid: bool = Field(description="accepted, or in a call that does not ask for acceptance")
    answered_at: HelsinkiTime | None
    decline_reason: str


class DeclineIn(Schema):
    reason: str = Field("", max_length=2000, description="why the grant is declined; the presenter reads it")


NO_GRANT = gettext_lazy("No grant of yours has this application id.")


def _my_grant(request, application_id: int):
    decision = _published_decision(request, application_id)
    return None if decision is None else grant_of_application(decision.application)


def _grant(grant) -> dict:
    return {
        "status": grant.status,
        "amount": grant.decision.amount,
        "requires_acceptance": grant.application.call.requires_acceptance,
        "may_be_paid": grant.may_be_paid,
        "answered_at": grant.answered_at,
        "decline_reason": grant.decline_reason,
    }


def _refused(error: ValidationError):
    """409 when the grant was answered already, 422 for other problems."""
    status = 409 if getattr(error, "code", None) == "already_answered" else 422
    return Status(status, validation_refusal(error))


@router.get(
    "/applications/{application_id}/grant",
    operation_id="getGrant",
    response={200: GrantAcceptanceOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The grant of a positive decision: whether its terms have been accepted",
)
def get_grant(request, application_id: int):
    grant = _my_grant(request, application_id)
    return Status(404, refused(NO_GRANT)) if grant is None else _grant(grant)


@router.post(
    "/applications/{application_id}/grant/accept",
    operation_id="acceptGrant",
    response={200: GrantAcceptanceOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Accept the decision's terms on behalf of the organisation",
)
def accept_grant(request, application_id: int):
    grant = _my_grant(request, application_id)
    if grant is None:
        return Status(404, refused(NO_GRANT))
    try:
        grant = grant_services.grant_accept(grant=grant, acting_user=request.auth)
    except ValidationError as error:
        return _refused(error)
    return _grant(grant)


@router.post(
    "/applications/{application_id}/grant/decline",
    operation_id="declineGrant",
    response={
        200: GrantAcceptanceOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Decline the grant: nothing is paid and the money is free for the call again",
)
def decline_grant(request, application_id: int, payload: DeclineIn):
    grant = _my_grant(request, application_id)
    if grant is None:
        return Status(404, refused(NO_GRANT))
    try:
        grant = grant_services.grant_decline(grant=grant, reason=payload.reason, acting_user=request.auth)
    except ValidationError as error:
        return _refused(error)
    return _grant(grant)


class PaymentApplicationIn(Schema):
    period_start: datetime.date = Field(
        description="the first day of the costs, within the grant's period of use"
    )
    period_end: datetime.date = Field(description="the last day of the costs; not in the future")
    costs_incurred: EurosIn = Field(description="eligible costs, euros; more than 0")
    amount: EurosIn = Field(description="payment asked, euros; more than 0 and not more than the costs")
    description: str = Field(min_length=1, max_length=4000, description="what the costs were for")


class PaymentApplicationOut(Schema):
    id: int
    period_start: datetime.date
    period_end: datetime.date
    costs_incurred: Euros
    amount: Euros
    description: str
    status: Literal[tuple(PaymentApplicationStatus.values)]
    approved_amount: Euros | None
    reason: str = Field(description="the official's reasons for approving less or rejecting")
    submitted_at: HelsinkiTime


def _payment_application(item) -> dict:
    return {
        "id": item.pk,
        "period_start": item.period_start,
        "period_end": item.period_end,
        "costs_incurred": item.costs_incurred,
        "amount": item.amount,
        "description": item.description,
        "status": item.status,
        "approved_amount": item.approved_amount,
        "reason": item.reason,
        "submitted_at": item.submitted_at,
    }


@router.get(
    "/applications/{application_id}/grant/payment-applications",
    operation_id="listPaymentApplications",
    response={200: list[PaymentApplicationOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The grant's payment applications (payment in arrears)",
)
def list_payment_applications(request, application_id: int):
    grant = _my_grant(request, application_id)
    if grant is None:
        return Status(404, refused(NO_GRANT))
    return [_payment_application(item) for item in payment_applications_of(grant)]


@router.post(
    "/applications/{application_id}/grant/payment-applications",
    operation_id="submitPaymentApplication",
    response={201: PaymentApplicationOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Apply for payment of costs incurred (payment in arrears)",
)
def submit_payment_application(request, application_id: int, payload: PaymentApplicationIn):
    grant = _my_grant(request, application_id)
    if grant is None:
        return Status(404, refused(NO_GRANT))
    try:
        item = payment_services.payment_application_submit(
            grant=grant, **payload.model_dump(), acting_user=request.auth
        )
    except ValidationError as error:
        return Status(422, validation_refusal(error))
    return Status(201, _payment_application(item))


class ReportOut(Schema):
    kind: Literal[tuple(Decision.ReportKind.values)]
    due_date: datetime.date
    status: Literal[(NOT_STARTED, *ReportStatus.values)] = Field(
        description="not_started until the organisation opens the report"
    )
    submitted_at: HelsinkiTime | None
    accepted_costs: Euros | None = Field(description="eligible costs accepted from an approved final report")
    earned: Euros | None = Field(description="what the grant earned, from an approved final report")
    to_pay: Euros | None = Field(description="still to pay after the settlement")
    to_return: Euros | None = Field(description="to return after the settlement (more than 100 €, 20 §)")


def _report(due) -> dict:
    report = due.report
    settlement = report.settlement if report is not None else {}
    return {
        "kind": due.kind,
        "due_date": due.due_date,
        "status": report.status if report is not None else NOT_STARTED,
        "submitted_at": report.submitted_at if report is not None else None,
        "accepted_costs": report.accepted_costs if report is not None else None,
        "earned": settlement.get("earned"),
        "to_pay": settlement.get("to_pay"),
        "to_return": settlement.get("to_return"),
    }


@router.get(
    "/applications/{application_id}/grant/reports",
    operation_id="listReports",
    response={200: list[ReportOut], 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The reports the decision asks for, their review and the settlement of the final report",
)
def list_reports(request, application_id: int):
    grant = _my_grant(request, application_id)
    if grant is None:
        return Status(404, refused(NO_GRANT))
    return [_report(due) for due in reports_due(grant)]
