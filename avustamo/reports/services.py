"""Writes of reports: each checks its rule, writes an audit entry and returns the new state."""

import datetime
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from avustamo.applications.answers import (
    AnswerContext,
    answer_problems,
    malformed_answers,
    normalised_answers,
)
from avustamo.applications.models import CoImplementer
from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.links import site_url
from avustamo.core.money import format_euros, to_cents
from avustamo.core.tasks import queue_email
from avustamo.core.transitions import transition
from avustamo.core.translation import language_code
from avustamo.core.uploads import accepted_upload_kind, stored_name
from avustamo.grants.models import Grant, GrantStatus
from avustamo.grants.services import lock_grant
from avustamo.hearings.models import HearingSubject
from avustamo.hearings.services import require_heard
from avustamo.organisations.authority import authority_details, require_authority
from avustamo.organisations.models import Organisation
from avustamo.payments import services as payment_services
from avustamo.payments.settlement import Settlement
from avustamo.programmes.application_form.budget import COST_CATEGORIES
from avustamo.programmes.application_form.schema import (
    REPORT_FACTS,
    Attachment,
    FormDefinitionError,
    parse_definition,
)
from avustamo.programmes.application_form.standard import standard_report_definition
from avustamo.programmes.models import Call
from avustamo.reference.models import Municipality, Region
from avustamo.reports import selectors
from avustamo.reports.co_implementers import joint_report, settlement_breakdown
from avustamo.reports.models import (
    CoImplementerInvitation,
    CoImplementerReportPart,
    Report,
    ReportAttachment,
    ReportCompletionRequest,
    ReportForm,
    ReportKind,
    ReportReminder,
    ReportStatus,
)
from avustamo.reports.tasks import make_settlement_decision

EDITABLE = (ReportStatus.DRAFT, ReportStatus.COMPLETION_REQUESTED)


def _require(acting_user, permission: str, grant: Grant) -> None:
    if not acting_user.has_perm(permission, grant):
        raise PermissionDenied


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related(
            "grant__application__call", "grant__application__organisation", "grant__decision", "form"
        )
        .get(pk=report.pk)
    )


@transaction.atomic
def report_form_save(*, call: Call, kind: str, definition, acting_user) -> ReportForm:
    """A new version of the call's report form of this kind; reports already started keep their version."""
    if not acting_user.has_perm("programmes.manage_calls"):
        raise PermissionDenied
    if kind not in ReportKind.values:
        raise ValidationError(_("There is no such kind of report."), code="unknown_kind")
    call = Call.objects.select_for_update().get(pk=call.pk)
    try:
        parsed = parse_definition(definition, facts=REPORT_FACTS)
    except FormDefinitionError as error:
        raise ValidationError(
            [
                ValidationError("%(path)s: %(message)s", code="invalid_form", params=problem)
                for problem in error.problems
            ]
        ) from None
    current = call.report_forms.filter(kind=kind).order_by("-version").first()
    if current is not None and current.definition == parsed.to_json():
        return current
    form = ReportForm.objects.create(
        call=call,
        kind=kind,
        version=(current.version + 1 if current else 1),
        definition=parsed.to_json(),
        created_by=acting_user,
    )
    audit(acting_user=acting_user, action="report_form.saved", target=call, kind=kind, version=form.version)
    return form


def _current_form(call: Call, kind: str) -> ReportForm:
    """The call's latest report form of the kind; the standard one when the call has not defined its own."""
    # Locked, so that two first reports of a call cannot both create its form.
    call = Call.objects.select_for_update().get(pk=call.pk)
    form = call.report_forms.filter(kind=kind).order_by("-version").first()
    if form is None:
        definition = parse_definition(
            standard_report_definition(kind == ReportKind.FINAL), facts=REPORT_FACTS
        )
        form = ReportForm.objects.create(call=call, kind=kind, version=1, definition=definition.to_json())
    return form


@transaction.atomic
def report_start(*, grant: Grant, kind: str, due_date: datetime.date, acting_user) -> Report:
    """Open the report the decision asks for (the same one again when it is already started)."""
    _require(acting_user, "reports.write_report", grant)
    grant = Grant.objects.select_for_update().select_related("application__call", "decision").get(pk=grant.pk)
    if grant.status != GrantStatus.ACCEPTED:
        raise ValidationError(
            _("Reports are written once the decision's terms have been accepted."), code="not_accepted"
        )
    if not selectors.is_asked_for(grant, kind, due_date):
        raise ValidationError(_("The decision asks for no such report."), code="not_asked")
    report = grant.reports.filter(kind=kind, due_date=due_date).first()
    if report is not None:
        return report
    report = Report.objects.create(
        grant=grant,
        kind=kind,
        due_date=due_date,
        form=_current_form(grant.application.call, kind),
        created_by=acting_user,
    )
    audit(
        acting_user=acting_user, action="report.started", target=report, kind=kind, due=due_date.isoformat()
    )
    return report


def _answer_context(report: Report) -> AnswerContext:
    application = report.grant.application
    return AnswerContext(
        call=application.call,
        organisation=application.organisation,
        regions=Region.objects.values_list("code", flat=True),
        municipalities=Municipality.objects.valid_in(helsinki_today().year).values_list("code", flat=True),
    )


def _refuse_unless_in_force(grant: Grant) -> None:
    if grant.status != GrantStatus.ACCEPTED:
        raise ValidationError(
            _("The grant is no longer in force: its reports are not sent or settled."), code="not_in_force"
        )


def _refuse_unless_editable(report: Report) -> None:
    if report.status not in EDITABLE:
        raise ValidationError(
            _("The report has been sent; it can be changed only when an official asks to complete it."),
            code="sent",
        )


@transaction.atomic
def report_save(*, report: Report, answers: dict, version: int, acting_user) -> Report:
    """Save the answers so far; unfinished answers are kept, malformed ones refused field by field."""
    report = _locked(report)
    _require(acting_user, "reports.write_report", report.grant)
    _refuse_unless_editable(report)
    if version != report.version:
        raise ValidationError(
            _("Someone else saved this report meanwhile. Reload the page to see their changes."), code="stale"
        )
    definition = report.form.parsed
    problems = malformed_answers(definition, answers, _answer_context(report))
    if problems:
        raise ValidationError(problems)
    report.answers = normalised_answers(definition, answers)
    report.version += 1
    report.save(update_fields=["answers", "version", "updated_at"])
    return report


@transaction.atomic
def report_attachment_add(*, report: Report, question_id: str, upload, acting_user) -> ReportAttachment:
    report = _locked(report)
    _require(acting_user, "reports.write_report", report.grant)
    _refuse_unless_editable(report)
    question = next(
        (
            item
            for item, _group in report.form.parsed.elements()
            if item.id == question_id and isinstance(item, Attachment)
        ),
        None,
    )
    if question is None:
        raise ValidationError(_("The form has no such attachment question."), code="unknown_question")
    kind = accepted_upload_kind(upload, kinds=tuple(question.kinds), max_mb=question.max_size_mb)
    original = Path(upload.name or "file").name[-200:]
    attachment = ReportAttachment(
        report=report,
        question_id=question_id,
        original_name=original,
        kind=kind,
        size=upload.size,
        uploaded_by=acting_user,
    )
    attachment.file.save(stored_name(original, kind), upload, save=False)
    attachment.save()
    audit(acting_user=acting_user, action="report.attachment_added", target=report, file=original, kind=kind)
    return attachment


@transaction.atomic
def report_attachment_remove(*, attachment: ReportAttachment, acting_user) -> None:
    report = _locked(attachment.report)
    _require(acting_user, "reports.write_report", report.grant)
    _refuse_unless_editable(report)
    audit(
        acting_user=acting_user,
        action="report.attachment_removed",
        target=report,
        file=attachment.original_name,
    )
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


def submission_problems(report: Report) -> list[dict]:
    """Every reason the report cannot be sent yet, as {field, code, message}."""
    definition = report.form.parsed
    problems, refuse = answer_problems(definition, report.answers, _answer_context(report))
    budget = definition.fact_questions()["budget"]
    # A joint project's costs may all be the co-implementers'; the report's total is what must not be empty.
    if not joint_report(report).whole.total_eligible_costs:
        refuse(f"q-{budget.id}", "costs_missing", _("Enter the costs actually incurred."))
    vat_included = definition.fact_questions().get("vat_included")
    if (
        vat_included is not None
        and report.answers.get(vat_included.id) == "yes"
        and report.grant.application.vat_recoverable
    ):
        # Refused rather than flagged: the decision made recoverable VAT ineligible, so costs with it overstate
        # what the grant may cover; the recipient restates them before the report goes to review.
        refuse(
            f"q-{vat_included.id}",
            "vat_recoverable",
            _(
                "You stated in the application that you can deduct the VAT or have it refunded, so VAT is not an "
                "eligible cost: give the costs without VAT. If you can no longer recover it, contact the grant "
                "authority before sending the report."
            ),
        )
    attached = set(report.attachments.values_list("question_id", flat=True))
    for item, _group in definition.elements():
        if isinstance(item, Attachment) and item.required and item.id not in attached:
            refuse(
                f"q-{item.id}",
                "attachment_missing",
                _("Attach: %(name)s.") % {"name": item.label.in_language(language_code())},
            )
    return problems


def _presenter_email(report: Report) -> tuple[str, str] | None:
    presenter = report.grant.decision.presenter
    return (presenter.email, presenter.preferred_language) if presenter.email else None


@transaction.atomic
def report_submit(*, report: Report, acting_user) -> Report:
    """Send the report (again, when completing it); the presenter is told it waits for review."""
    report = _locked(report)
    _require(acting_user, "reports.write_report", report.grant)
    _refuse_unless_editable(report)
    _refuse_unless_in_force(report.grant)
    problems = submission_problems(report)
    if problems:
        raise ValidationError(
            [ValidationError(problem["message"], code=problem["code"]) for problem in problems]
        )
    now = timezone.now()
    authority = require_authority(
        person=acting_user, organisation=report.grant.application.organisation, now=now
    )
    completing = report.status == ReportStatus.COMPLETION_REQUESTED
    if completing:
        report.completion_requests.filter(answered_at__isnull=True).update(answered_at=now)
    # A report completed at the finance step returns to it; the content stays approved.
    transition(
        report,
        "submit_to_finance_review" if report.content_reviewed_at else "submit",
        acting_user=acting_user,
        changes={"submitted_at": now, "submitted_by": acting_user, "authority_check": authority},
        completion=completing,
        **authority_details(authority),
    )
    application = report.grant.application
    presenter = report.grant.decision.presenter
    queue_email(
        key=f"report-sent:{report.pk}:{now.isoformat()}",
        template="reports/email/sent",
        context={
            "report": report,
            "application": application,
            "url": site_url("official:report_review", language=presenter.preferred_language, pk=report.pk),
        },
        recipient=presenter.email,
        language=presenter.preferred_language,
    )
    return report


def _require_step(report: Report, acting_user) -> str:
    """The review step the report is at, which the acting official may take; refused otherwise."""
    if report.status == ReportStatus.SUBMITTED:
        _require(acting_user, "reports.review_content", report.grant)
        return "content"
    if report.status == ReportStatus.CONTENT_APPROVED:
        _require(acting_user, "reports.review_finances", report.grant)
        return "finances"
    raise ValidationError(_("The report is not waiting for review."), code="not_in_review")


@transaction.atomic
def report_request_completion(
    *, report: Report, message: str, due_date: datetime.date, acting_user
) -> ReportCompletionRequest:
    """Ask the recipient to complete the report at the step it is at; they answer by sending it again."""
    report = _locked(report)
    step = _require_step(report, acting_user)
    message = message.strip()
    errors = {}
    if not message:
        errors["message"] = _("Say what the recipient should complete.")
    if due_date is None or due_date <= helsinki_today():
        errors["due_date"] = _("Give a date after today to complete by.")
    if errors:
        raise ValidationError(errors)
    request = ReportCompletionRequest.objects.create(
        report=report, message=message, due_date=due_date, requested_by=acting_user
    )
    transition(report, "request_completion", acting_user=acting_user, step=step, message=message)
    recipient = report.submitted_by
    queue_email(
        key=f"report-completion:{request.pk}",
        template="reports/email/completion_requested",
        context={
            "report": report,
            "request": request,
            "application": report.grant.application,
            "url": site_url(
                "applications:report",
                language=recipient.preferred_language,
                pk=report.grant.application_id,
                report_pk=report.pk,
            ),
        },
        recipient=recipient.email,
        language=recipient.preferred_language,
    )
    return request


@transaction.atomic
def report_approve_content(*, report: Report, notes: str, acting_user) -> Report:
    """Approve the report's content. An interim report is then approved and releases the instalment waiting for
    it; a final report goes on to a finance officer."""
    report = _locked(report)
    if _require_step(report, acting_user) != "content":
        raise ValidationError(_("The content of this report has been approved already."), code="wrong_step")
    notes = notes.strip()
    transition(
        report,
        "approve_final_content" if report.is_final else "approve_interim",
        acting_user=acting_user,
        changes={
            "content_reviewed_at": timezone.now(),
            "content_reviewed_by": acting_user,
            "content_notes": notes,
        },
        notes=notes,
    )
    if report.status == ReportStatus.APPROVED:
        payment_services.report_approved(grant=report.grant)
        _tell_recipient_approved(report)
    return report


def reported_costs(report: Report) -> Decimal:
    """The report's eligible costs: the lead's and, in a joint project, every co-implementer's together."""
    return joint_report(report).whole.total_eligible_costs


@transaction.atomic
def report_approve_finances(
    *,
    report: Report,
    accepted_costs: Decimal,
    notes: str,
    acting_user,
    not_heard_ground: str = "",
    not_heard_reasons: str = "",
) -> Settlement:
    """Approve a final report's finances with the eligible costs accepted from it, and settle the grant. A
    settlement that earns less than the award in force is a decision against the recipient: it must have been
    heard on it, or a ground for not hearing recorded (`hearings.services.require_heard`), and the settlement
    decision is made as a document by a task after the transaction commits."""
    report = _locked(report)
    if _require_step(report, acting_user) != "finances":
        raise ValidationError(_("The content of this report has not been approved yet."), code="wrong_step")
    _refuse_unless_in_force(report.grant)
    if accepted_costs is None or accepted_costs < 0:
        raise ValidationError({"accepted_costs": _("Enter the eligible costs accepted, zero or more.")})
    accepted_costs = to_cents(accepted_costs)
    joint = joint_report(report)
    reported = joint.whole.total_eligible_costs
    if accepted_costs > reported:
        raise ValidationError(
            {
                "accepted_costs": _("No more can be accepted than the report shows: %(amount)s.")
                % {"amount": format_euros(reported)}
            }
        )
    notes = notes.strip()
    if accepted_costs < reported and not notes:
        raise ValidationError(
            {"notes": _("Say which costs were not accepted and why; the recipient is told.")}
        )
    # Locked before the hearing is used, as every decision against the recipient locks its grant first.
    lock_grant(report.grant)
    heard = {}
    if payment_services.settlement_of(report.grant, accepted_costs).cuts_the_grant:
        heard = require_heard(
            grant=report.grant,
            subject=HearingSubject.SETTLEMENT,
            acting_user=acting_user,
            not_heard_ground=not_heard_ground,
            not_heard_reasons=not_heard_reasons,
        ).audit_details()
    settlement = payment_services.grant_settle(
        grant=report.grant, accepted_costs=accepted_costs, acting_user=acting_user
    )
    transition(
        report,
        "approve_finances",
        acting_user=acting_user,
        changes={
            "accepted_costs": accepted_costs,
            "finances_reviewed_at": timezone.now(),
            "finances_reviewed_by": acting_user,
            "finances_notes": notes,
            "settlement": {
                "accepted_costs": str(settlement.accepted_costs),
                "max_share_percent": str(settlement.max_share_percent),
                "share_of_costs": str(settlement.share_of_costs),
                "awarded": str(settlement.awarded),
                "earned": str(settlement.earned),
                "paid": str(settlement.paid),
                "to_pay": str(settlement.to_pay),
                "over_paid": str(settlement.over_paid),
                "to_return": str(settlement.to_return),
                "co_implementers": settlement_breakdown(joint),
            },
        },
        accepted_costs=str(accepted_costs),
        notes=notes,
        **heard,
    )
    payment_services.report_approved(grant=report.grant)
    _tell_recipient_approved(report)
    if settlement.cuts_the_grant:
        transaction.on_commit(lambda: make_settlement_decision.enqueue(report_id=report.pk))
    return settlement


def _tell_recipient_approved(report: Report) -> None:
    recipient = report.submitted_by
    queue_email(
        key=f"report-approved:{report.pk}",
        template="reports/email/approved",
        context={
            "report": report,
            "application": report.grant.application,
            "url": site_url(
                "applications:report",
                language=recipient.preferred_language,
                pk=report.grant.application_id,
                report_pk=report.pk,
            ),
        },
        recipient=recipient.email,
        language=recipient.preferred_language,
    )


@transaction.atomic
def send_report_reminders(*, today: datetime.date | None = None) -> int:
    """Remind each recipient organisation's members of reports due within two weeks or overdue and unsent;
    each reminder once. Run daily by `manage.py send_report_reminders`; returns how many were sent."""
    today = today or helsinki_today()
    sent = 0
    for grant, due, timing in list(selectors.grants_to_remind(today)):
        _, created = ReportReminder.objects.get_or_create(
            grant=grant, kind=due.kind, due_date=due.due_date, timing=timing
        )
        if not created:
            continue
        application = grant.application
        for membership in application.organisation.memberships.select_related("person"):
            person = membership.person
            if not (person.is_active and person.email):
                continue
            queue_email(
                key=f"report-reminder:{grant.pk}:{due.kind}:{due.due_date.isoformat()}:{timing}:{person.pk}",
                template=f"reports/email/reminder_{timing}",
                context={
                    "application": application,
                    "kind": due.kind,
                    "due_date": due.due_date,
                    "url": site_url(
                        "applications:decision", language=person.preferred_language, pk=application.pk
                    ),
                },
                recipient=person.email,
                language=person.preferred_language,
            )
        sent += 1
    return sent


# --- Joint projects: the co-implementers' parts of a report -------------------------------------------------------


def _co_implementer_of(report: Report, co_implementer: CoImplementer) -> CoImplementer:
    if co_implementer.application_id != report.grant.application_id:
        raise ValidationError(
            _("The co-implementer is not one of this project's co-implementers."),
            code="unknown_co_implementer",
        )
    return co_implementer


def acting_organisation(*, co_implementer: CoImplementer, person) -> Organisation | None:
    """The organisation with the co-implementer's Business ID that the person acts for in the service, if any."""
    return Organisation.objects.filter(
        business_id=co_implementer.business_id, memberships__person=person
    ).first()


def _require_own_organisation(*, co_implementer: CoImplementer, person) -> Organisation:
    organisation = acting_organisation(co_implementer=co_implementer, person=person)
    if organisation is None:
        raise ValidationError(
            _(
                "To enter the part of %(name)s you act for it: register %(name)s (Business ID %(business_id)s) "
                "in the service, or ask its administrator to invite you to it, then open this page again."
            )
            % {"name": co_implementer.name, "business_id": co_implementer.business_id},
            code="not_acting_for_co_implementer",
        )
    return organisation


def _invitation_in_use(report: Report, co_implementer: CoImplementer, person):
    return (
        CoImplementerInvitation.objects.select_related("co_implementer")
        .filter(
            report=report,
            co_implementer=co_implementer,
            accepted_by=person,
            accepted_at__isnull=False,
            revoked_at__isnull=True,
        )
        .first()
    )


# The largest amount a part's field takes (the model's 14 digits with two decimals).
AMOUNT_LIMIT = Decimal("1e12")


def _amount_or_none(value) -> Decimal | None:
    """The value as an amount in euros with two places, zero or more and within the limit; None otherwise."""
    try:
        amount = to_cents(value or 0)
    except (ArithmeticError, TypeError, ValueError):
        return None
    return amount if amount.is_finite() and 0 <= amount < AMOUNT_LIMIT else None


def _checked_amounts(co_implementer: CoImplementer, costs: dict, own_funding) -> tuple[dict, Decimal]:
    """The part's costs by category and own funding as two-place amounts, or a refusal field by field."""
    errors = {}
    checked = {}
    amounts = {category: costs.get(category) for category in COST_CATEGORIES} | {"own_funding": own_funding}
    for field, value in amounts.items():
        amount = _amount_or_none(value)
        if amount is None:
            errors[field] = ValidationError(
                _("Enter an amount in euros, zero or more."), code="invalid_amount"
            )
        elif amount or field == "own_funding":
            checked[field] = amount
    if errors:
        raise ValidationError(errors)
    own = checked.pop("own_funding")
    total = to_cents(sum(checked.values(), Decimal("0")))
    if own > total:
        raise ValidationError(
            {
                "own_funding": ValidationError(
                    _(
                        "The actual own funding of %(name)s, %(own)s, is more than its actual eligible costs, "
                        "%(costs)s."
                    )
                    % {"name": co_implementer.name, "own": format_euros(own), "costs": format_euros(total)},
                    code="co_implementer_own_funding_above_costs",
                )
            }
        )
    return {category: str(amount) for category, amount in checked.items()}, own


@transaction.atomic
def co_implementer_part_save(
    *, report: Report, co_implementer: CoImplementer, costs: dict, own_funding, acting_user
) -> CoImplementerReportPart:
    """Save one co-implementer's actual eligible costs by category and own funding in the report, while the report
    can be changed. The lead's members may enter every part; the co-implementer's invited representative only
    its own, acting for the co-implementer's organisation under a check of the right to act."""
    report = _locked(report)
    co_implementer = _co_implementer_of(report, co_implementer)
    representative = not acting_user.has_perm("reports.write_report", report.grant)
    if representative:
        invitation = _invitation_in_use(report, co_implementer, acting_user)
        if invitation is None or not acting_user.has_perm("reports.write_co_implementer_part", invitation):
            raise PermissionDenied
    _refuse_unless_editable(report)
    _refuse_unless_in_force(report.grant)
    costs, own = _checked_amounts(co_implementer, costs if isinstance(costs, dict) else {}, own_funding)
    authority = None
    if representative:
        organisation = _require_own_organisation(co_implementer=co_implementer, person=acting_user)
        authority = require_authority(person=acting_user, organisation=organisation)
    part, _created = CoImplementerReportPart.objects.update_or_create(
        report=report,
        co_implementer=co_implementer,
        defaults={"costs": costs, "own_funding": own, "saved_by": acting_user, "authority_check": authority},
    )
    audit(
        acting_user=acting_user,
        action="report.co_implementer_part_saved",
        target=report,
        co_implementer=co_implementer.business_id,
        costs=costs,
        own_funding=str(own),
        **(authority_details(authority) if authority else {}),
    )
    return part


@transaction.atomic
def co_implementer_invite(
    *, report: Report, co_implementer: CoImplementer, email: str, acting_user
) -> CoImplementerInvitation:
    """Invite the co-implementer's representative by email to enter its part of the report; an earlier pending
    invitation to the same address for the same part is replaced. Sent by the lead's members or by the officials
    who review the report's content, while the report can be changed."""
    report = _locked(report)
    if not acting_user.has_perm("reports.invite_co_implementer", report.grant):
        raise PermissionDenied
    co_implementer = _co_implementer_of(report, co_implementer)
    _refuse_unless_editable(report)
    _refuse_unless_in_force(report.grant)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": ValidationError(_("Enter a valid email address."), code="invalid_email")}
        ) from None
    now = timezone.now()
    CoImplementerInvitation.objects.filter(
        report=report,
        co_implementer=co_implementer,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = CoImplementerInvitation.objects.create(
        report=report,
        co_implementer=co_implementer,
        email=email,
        token_hash=CoImplementerInvitation.hash_token(token),
        invited_by=acting_user,
        expires_at=now + datetime.timedelta(days=settings.ORGANISATION_INVITATION_DAYS),
    )
    audit(
        acting_user=acting_user,
        action="report.co_implementer_invited",
        target=report,
        co_implementer=co_implementer.business_id,
        email=email,
    )
    application = report.grant.application
    language = get_language() or settings.LANGUAGE_CODE
    queue_email(
        key=f"co-implementer-invitation:{invitation.pk}:{invitation.token_hash[:16]}",
        template="reports/email/co_implementer_invitation",
        context={
            "co_implementer_name": co_implementer.name,
            "lead_name": application.organisation.name,
            "project_name": application.project_name,
            "report_kind": report.get_kind_display(),
            "invited_by": acting_user.full_name or acting_user.email,
            "accept_url": site_url("applications:co_implementer_invitation", language=language, token=token),
            "expires_at": invitation.expires_at,
        },
        recipient=email,
        language=language,
        holds_secret=True,
    )
    return invitation


def invitation_for_token(token: str) -> CoImplementerInvitation | None:
    return (
        CoImplementerInvitation.objects.select_related(
            "co_implementer", "report__grant__application__organisation"
        )
        .filter(token_hash=CoImplementerInvitation.hash_token(token))
        .first()
    )


@transaction.atomic
def co_implementer_invitation_accept(*, token: str, acting_user) -> CoImplementerInvitation:
    """Accept an invitation: the person signed in with the address it was sent to, acts for the organisation with
    the co-implementer's Business ID and has the right to act for it (checked as for every act in its name)."""
    invitation = (
        CoImplementerInvitation.objects.select_for_update(of=("self",))
        .select_related("co_implementer")
        .filter(token_hash=CoImplementerInvitation.hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_pending:
        raise ValidationError(
            _("This invitation is no longer valid. Ask the project's lead applicant for a new one."),
            code="invitation_invalid",
        )
    if invitation.email.lower() != (acting_user.email or "").lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it."),
            code="invitation_other_email",
            params={"email": invitation.email},
        )
    organisation = _require_own_organisation(co_implementer=invitation.co_implementer, person=acting_user)
    authority = require_authority(person=acting_user, organisation=organisation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = acting_user
    invitation.authority_check = authority
    invitation.save(update_fields=["accepted_at", "accepted_by", "authority_check"])
    audit(
        acting_user=acting_user,
        action="report.co_implementer_invitation_accepted",
        target=invitation.report,
        co_implementer=invitation.co_implementer.business_id,
        **authority_details(authority),
    )
    return invitation


@transaction.atomic
def co_implementer_invitation_revoke(*, invitation: CoImplementerInvitation, acting_user) -> None:
    """End an invitation, accepted or not: its representative no longer enters the part."""
    report = _locked(invitation.report)
    if not acting_user.has_perm("reports.invite_co_implementer", report.grant):
        raise PermissionDenied
    invitation = CoImplementerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit(
            acting_user=acting_user,
            action="report.co_implementer_invitation_revoked",
            target=report,
            email=invitation.email,
        )
