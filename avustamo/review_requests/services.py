"""Writes for requests for review: one transaction each, the permission checked, the request validated, the
write, and the audit entry on the application, so that the request is part of the application's case and history.

The presenter prepares the decision and a decision maker other than the presenter decides it (four eyes, as for
grant decisions). A request made after the time limit is decided as not examined (434/2003 §49c(2)). An accepting
decision on a grant decision is carried out by a correcting grant decision (`decisions.services.decision_correct`),
which the presenter starts from the request and which is then signed and published like any correction.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from avustamo.accounts.models import StaffRole
from avustamo.applications.models import Application
from avustamo.applications.services import next_register_number
from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.links import site_url
from avustamo.core.models import DecisionNotice
from avustamo.core.notices import notice_send
from avustamo.core.permissions import require_permission, staff_roles
from avustamo.core.storage import save_whole_to
from avustamo.core.tasks import queue_email
from avustamo.core.transitions import transition
from avustamo.core.uploads import accepted_uploads, stored_name
from avustamo.decisions.models import Decision
from avustamo.decisions.services import decision_correct
from avustamo.organisations.authority import authority_details, require_authority
from avustamo.organisations.selectors import notice_addressee
from avustamo.review_requests.models import (
    ReviewChannel,
    ReviewOutcome,
    ReviewRequest,
    ReviewRequestAttachment,
    ReviewStatus,
)
from avustamo.review_requests.selectors import contestable_notices

ATTACHMENT_KINDS = ("pdf", "docx", "odt", "jpeg", "png")
ATTACHMENT_MAX_MB = 20


def _field_error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _clean_request(
    application: Application, contested: DecisionNotice | None, requested_change: str, grounds: str
):
    """What HL 49 d § asks of a request: the decision, the change asked for and its grounds."""
    problems = {}
    if contested is None or not contestable_notices(application).filter(pk=contested.pk).exists():
        problems["contested"] = ValidationError(
            _("Choose the decision you ask to be reviewed."), code="contested"
        )
    if not requested_change.strip():
        problems["requested_change"] = ValidationError(_("Say what change you ask for."), code="required")
    if not grounds.strip():
        problems["grounds"] = ValidationError(_("Give the grounds for the change."), code="required")
    if problems:
        raise ValidationError(problems)


def _create(application, contested, *, channel, arrived_on, requested_change, grounds, language, **people):
    request = ReviewRequest.objects.create(
        application=application,
        contested=contested,
        register_number=next_register_number(application.call.programme.agency, timezone.now()),
        channel=channel,
        arrived_on=arrived_on,
        requested_change=requested_change.strip(),
        grounds=grounds.strip(),
        language=language,
        **people,
    )
    return request


def _attach(request: ReviewRequest, uploads, acting_user) -> None:
    for upload, kind in accepted_uploads(uploads, kinds=ATTACHMENT_KINDS, max_mb=ATTACHMENT_MAX_MB):
        attachment = ReviewRequestAttachment(
            review_request=request, original_name=upload.name[:255], kind=kind, uploaded_by=acting_user
        )
        attachment.file.save(stored_name(upload.name, kind), upload)


@transaction.atomic
def review_request_submit(
    *,
    application: Application,
    contested: DecisionNotice | None,
    requested_change: str,
    grounds: str,
    attachments=(),
    acting_user,
) -> ReviewRequest:
    """A member with the right to act asks in the service for a review of a decision of the application. A
    request after the time limit is taken in too: the authority decides it, as not examined."""
    require_permission(acting_user, "review_requests.request_review", application)
    application = (
        Application.objects.select_for_update()
        .select_related("call__programme__agency")
        .get(pk=application.pk)
    )
    _clean_request(application, contested, requested_change, grounds)
    authority = require_authority(person=acting_user, organisation=application.organisation)
    request = _create(
        application,
        contested,
        channel=ReviewChannel.SERVICE,
        arrived_on=helsinki_today(),
        requested_change=requested_change,
        grounds=grounds,
        language=contested.language if contested.language in ("fi", "sv") else "fi",
        submitted_by=acting_user,
        authority_check=authority,
    )
    _attach(request, attachments, acting_user)
    audit(
        acting_user=acting_user,
        action="review_request.received",
        target=application,
        review_request=request.register_number,
        contested=contested.title,
        in_time=request.in_time,
        **authority_details(authority),
    )
    return request


@transaction.atomic
def review_request_register(
    *,
    application: Application,
    contested: DecisionNotice | None,
    channel: str,
    arrived_on: datetime.date | None,
    requested_change: str,
    grounds: str,
    acting_user,
) -> ReviewRequest:
    """An official enters a request that arrived by email or post, with the day it arrived."""
    require_permission(acting_user, "review_requests.register_review_request", application)
    application = (
        Application.objects.select_for_update()
        .select_related("call__programme__agency")
        .get(pk=application.pk)
    )
    if channel not in (ReviewChannel.EMAIL, ReviewChannel.POST):
        raise _field_error("channel", _("Choose how the request arrived."), "channel")
    if arrived_on is None:
        raise _field_error("arrived_on", _("Give the day the request arrived."), "required")
    if arrived_on > helsinki_today():
        raise _field_error("arrived_on", _("The day of arrival cannot be in the future."), "future")
    _clean_request(application, contested, requested_change, grounds)
    if arrived_on < helsinki_today(contested.created_at):
        raise _field_error(
            "arrived_on",
            _("The request cannot have arrived before the decision was sent."),
            "before_decision",
        )
    request = _create(
        application,
        contested,
        channel=channel,
        arrived_on=arrived_on,
        requested_change=requested_change,
        grounds=grounds,
        language=contested.language if contested.language in ("fi", "sv") else "fi",
        registered_by=acting_user,
    )
    audit(
        acting_user=acting_user,
        action="review_request.registered",
        target=application,
        review_request=request.register_number,
        contested=contested.title,
        channel=channel,
        arrived_on=arrived_on,
        in_time=request.in_time,
    )
    return request


def _locked(request: ReviewRequest) -> ReviewRequest:
    return (
        ReviewRequest.objects.select_for_update(of=("self",))
        .select_related("application__call__programme__agency", "application__organisation", "contested")
        .get(pk=request.pk)
    )


@transaction.atomic
def review_request_prepare(
    *, review_request: ReviewRequest, outcome: str, reasons: str, acting_user
) -> ReviewRequest:
    """The presenter's proposal: the outcome and its reasons. A late request can only be left unexamined."""
    request = _locked(review_request)
    require_permission(acting_user, "review_requests.prepare_review_decision", request.application)
    if request.status != ReviewStatus.RECEIVED:
        raise ValidationError(
            _("The decision is with the decision maker or made already."), code="not_received"
        )
    if outcome not in ReviewOutcome.values:
        raise _field_error("outcome", _("Choose the outcome."), "invalid_outcome")
    if not request.in_time and outcome != ReviewOutcome.NOT_EXAMINED:
        raise _field_error(
            "outcome",
            _(
                "The request arrived after the time limit (last day %(day)s): it is not examined (Administrative "
                "Procedure Act, section 49 c)."
            )
            % {"day": date_format(request.time_limit_ends, "SHORT_DATE_FORMAT")},
            "late",
        )
    if not reasons.strip():
        raise _field_error("reasons", _("Give the reasons for the decision."), "required")
    request.outcome = outcome
    request.reasons = reasons.strip()
    request.presenter = acting_user
    request.save(update_fields=["outcome", "reasons", "presenter"])
    audit(
        acting_user=acting_user,
        action="review_request.prepared",
        target=request.application,
        review_request=request.register_number,
        outcome=outcome,
    )
    return request


@transaction.atomic
def review_request_send_for_signing(
    *, review_request: ReviewRequest, decision_maker, acting_user
) -> ReviewRequest:
    request = _locked(review_request)
    require_permission(acting_user, "review_requests.prepare_review_decision", request.application)
    if not request.outcome or request.presenter_id is None:
        raise ValidationError(_("Prepare the decision before sending it for signing."), code="not_prepared")
    if acting_user.pk != request.presenter_id:
        raise PermissionDenied(_("The presenter who prepared the decision sends it for signing."))
    if decision_maker is None or StaffRole.DECISION_MAKER not in staff_roles(decision_maker):
        raise _field_error("decision_maker", _("Choose a decision maker."), "not_decision_maker")
    if decision_maker.pk == request.presenter_id:
        raise _field_error(
            "decision_maker", _("The presenter cannot decide on their own presentation."), "four_eyes"
        )
    return transition(
        request,
        "send_for_signing",
        acting_user=acting_user,
        changes={"decision_maker": decision_maker, "sent_for_signing_at": timezone.now()},
        audit_target=request.application,
        review_request=request.register_number,
        decision_maker=decision_maker.email,
    )


@transaction.atomic
def review_request_return(*, review_request: ReviewRequest, reason: str, acting_user) -> ReviewRequest:
    """The decision maker returns the proposal to the presenter, or the presenter takes it back, with a reason."""
    request = _locked(review_request)
    if acting_user.pk not in (request.decision_maker_id, request.presenter_id):
        raise PermissionDenied(_("Your role does not allow this."))
    if not reason.strip():
        raise _field_error("reason", _("Say why the decision is returned."), "reason_required")
    return transition(
        request,
        "return",
        acting_user=acting_user,
        changes={"decision_maker": None, "sent_for_signing_at": None},
        audit_target=request.application,
        review_request=request.register_number,
        reason=reason.strip(),
    )


def decision_file_name(request: ReviewRequest) -> str:
    return f"review-decision-{request.register_number.replace('/', '-')}-{request.language}.pdf"


@transaction.atomic
def review_request_decide(*, review_request: ReviewRequest, acting_user) -> ReviewRequest:
    """The decision maker it was sent to signs the decision: its document is made in the request's language with
    appeal instructions, the recipient is notified (electronically with consent, otherwise by post) and emailed."""
    from avustamo.review_requests.documents import review_decision_pdf

    request = _locked(review_request)
    require_permission(acting_user, "review_requests.decide_review_request", request.application)
    if request.status != ReviewStatus.FOR_SIGNING:
        raise ValidationError(_("Only a decision sent for signing can be signed."), code="not_for_signing")
    if acting_user.pk == request.presenter_id:
        raise ValidationError(_("The presenter cannot sign their own presentation."), code="four_eyes")
    if acting_user.pk != request.decision_maker_id:
        raise PermissionDenied(_("The decision was sent to another decision maker."))
    now = timezone.now()
    request.decided_at = now
    request.decision_date = helsinki_today(now)
    save_whole_to(
        request.document, decision_file_name(request), review_decision_pdf(request, request.language)
    )
    transition(
        request,
        "decide",
        acting_user=acting_user,
        changes={"decided_at": now, "decision_date": request.decision_date, "document": request.document},
        audit_target=request.application,
        review_request=request.register_number,
        outcome=request.outcome,
    )
    application = request.application
    title = gettext_noop("Decision on a request for review")  # translated where it is shown
    notice_send(
        request,
        **notice_addressee(application.organisation),
        register_number=request.register_number,
        title=title,
        language=request.language,
        document=request.document.name,
        acting_user=acting_user,
    )
    recipient = request.submitted_by or application.submitted_by
    queue_email(
        key=f"review-decided:{request.pk}",
        template="review_requests/email/decided",
        context={
            "application": application,
            "review_request": request,
            "url": site_url(
                "applications:review_request",
                language=request.language,
                pk=application.pk,
                request_pk=request.pk,
            ),
        },
        recipient=recipient.email,
        language=request.language,
        attachment=request.document.name,
        attachment_name=decision_file_name(request),
    )
    return request


@transaction.atomic
def review_request_correction_start(*, review_request: ReviewRequest, acting_user) -> Decision:
    """Carry out an accepting decision on a request for review of a grant decision: a correcting decision is
    started as a new draft of the presenter, to be completed, signed and published as corrections are."""
    request = _locked(review_request)
    require_permission(acting_user, "review_requests.prepare_review_decision", request.application)
    if request.status != ReviewStatus.DECIDED or not request.is_accepting:
        raise ValidationError(
            _(
                "Only a request for review accepted in full or in part is carried out by a correcting decision."
            ),
            code="not_accepted",
        )
    if request.correction_id is not None:
        raise ValidationError(_("The correcting decision has been started already."), code="already_started")
    contested = request.contested.target
    if not isinstance(contested, Decision):
        raise ValidationError(
            _(
                "Only a grant decision is corrected here; carry out this decision in the part of the case it concerns."
            ),
            code="not_grant_decision",
        )
    current = contested
    while hasattr(current, "corrected_by"):
        current = current.corrected_by
    correction = decision_correct(decision=current, acting_user=acting_user)
    request.correction = correction
    request.save(update_fields=["correction"])
    audit(
        acting_user=acting_user,
        action="review_request.correction_started",
        target=request.application,
        review_request=request.register_number,
        decision=correction.pk,
    )
    return correction
