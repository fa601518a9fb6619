"""Writes for applications: start, save, attach, submit, withdraw. One transaction each, attributed and audited."""

import datetime
import hashlib
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.applications.answers import (
    AnswerContext,
    malformed_answers,
    normalised_answers,
    submission_problems,
)
from avustamo.applications.documents import public_version_document
from avustamo.applications.joint import CoImplementerPart, JointBudget, snapshot
from avustamo.applications.models import (
    Application,
    ApplicationStatus,
    Attachment,
    CoImplementer,
    CompletionRequest,
    RegisterNumberSequence,
    SubmittedVersion,
)
from avustamo.applications.secrets import REASON_MAX_LENGTH
from avustamo.applications.selectors import CodeLists, code_lists
from avustamo.applications.tasks import send_submission_receipt
from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.links import site_url
from avustamo.core.money import is_whole_cents, to_cents
from avustamo.core.tasks import queue_email
from avustamo.core.transitions import transition
from avustamo.core.translation import language_code
from avustamo.core.uploads import accepted_upload_kind, stored_name
from avustamo.organisations.authority import authority_details, require_authority
from avustamo.organisations.identifiers import clean_business_id
from avustamo.organisations.models import Membership
from avustamo.programmes.application_form.budget import COST_CATEGORIES, ZERO, BudgetFigures
from avustamo.programmes.application_form.schema import ATTACHMENT_KINDS
from avustamo.programmes.application_form.schema import Attachment as AttachmentQuestion
from avustamo.programmes.models import Call, CallStatus, RequiredAttachment
from avustamo.programmes.municipality_rules import check_municipality_rule
from avustamo.programmes.selectors import current_form

# Kinds accepted for the call's required attachments; form questions name their own.
# A call's required attachments take what an attachment question takes unless the form says otherwise.
DEFAULT_ATTACHMENT_KINDS = ATTACHMENT_KINDS
DEFAULT_MAX_ATTACHMENT_MB = AttachmentQuestion.model_fields["max_size_mb"].default
# A joint project rarely has more than a handful of co-implementers; the limit keeps every page's size bounded.
MAX_CO_IMPLEMENTERS = 20
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{4,30}")


class SubmissionRefused(ValidationError):
    """The application has problems; `problems` lists each as {field, code, message}."""

    def __init__(self, problems: list[dict]):
        super().__init__([problem["message"] for problem in problems], code="submission_refused")
        self.problems = problems


def _require_member(user, organisation) -> None:
    if not user.has_perm("applications.apply_for_organisation", organisation):
        raise PermissionDenied(_("You do not act for this organisation."))


def _refuse_unless_open(call: Call, now=None) -> None:
    if call.status(now) != CallStatus.OPEN:
        raise ValidationError(
            _(
                "The call is not open: applications can be made and changed only between its opening and its closing moment."
            ),
            code="call_not_open",
        )


def _refuse_unless_draft(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(
            _("The application has been %(status)s and can no longer be changed.")
            % {"status": application.get_status_display()},
            code="not_a_draft",
        )


def open_completion_request(application: Application) -> CompletionRequest | None:
    return application.completion_requests.filter(answered_at__isnull=True).first()


def _open_request_or_refuse(application: Application, now=None) -> CompletionRequest:
    """The completion request the applicant is answering; refused when there is none or its day has passed."""
    request = open_completion_request(application)
    if application.status != ApplicationStatus.COMPLETION_REQUESTED or request is None:
        _refuse_unless_draft(application)
    if request.is_overdue(now):
        raise ValidationError(
            _(
                "The reply deadline of the completion request has passed; the application can no longer be changed."
            ),
            code="completion_overdue",
        )
    return request


def answers_from_page(application: Application, posted: dict) -> dict:
    """The answers a page saves: all it posted for a draft; while completing, the asked ones over the stored."""
    if application.status != ApplicationStatus.COMPLETION_REQUESTED:
        return posted
    request = open_completion_request(application)
    if request is None:
        return posted
    asked = set(request.question_ids)
    kept = {key: value for key, value in application.answers.items() if key not in asked}
    return kept | {key: value for key, value in posted.items() if key in asked}


def _refuse_unless_editable(application: Application) -> CompletionRequest | None:
    """A draft while the call is open, or the parts a completion request names until its reply deadline."""
    if application.status == ApplicationStatus.COMPLETION_REQUESTED:
        return _open_request_or_refuse(application)
    _refuse_unless_draft(application)
    _refuse_unless_open(application.call)
    return None


def _refuse_unless_asked(request: CompletionRequest | None, *, question_ids=(), required_attachment=None):
    if request is None:
        return
    outside = set(question_ids) - set(request.question_ids)
    if outside or (
        required_attachment is not None
        and not request.required_attachments.filter(pk=required_attachment.pk).exists()
    ):
        raise ValidationError(_("Only what the completion request names can be changed."), code="not_asked")


def answer_context(application: Application, lists: CodeLists | None = None) -> AnswerContext:
    lists = lists or code_lists(call=application.call, year=timezone.localdate().year)
    return AnswerContext(
        call=application.call,
        organisation=application.organisation,
        regions=lists.regions,
        municipalities=lists.municipalities,
        declarations=lists.declarations,
        co_implementers=co_implementer_parts(application),
    )


def co_implementer_parts(application: Application) -> tuple[CoImplementerPart, ...]:
    """The application's co-implementers as budget parts; none read where the call allows none (a call cannot
    stop allowing them while an application names them: `programmes.services.call_update`)."""
    if not application.call.co_implementers_allowed:
        return ()
    return tuple(CoImplementerPart.from_model(item) for item in application.co_implementers.all())


@transaction.atomic
def application_start(*, call: Call, organisation, acting_user) -> Application:
    """Start a draft on the call's current form, for an organisation the person acts for."""
    _require_member(acting_user, organisation)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _refuse_unless_open(call)
    if (
        call.eligible_organisation_types
        and organisation.organisation_type not in call.eligible_organisation_types
    ):
        raise ValidationError(
            _("A %(type)s cannot apply to this call.")
            % {"type": organisation.get_organisation_type_display()},
            code="ineligible_organisation_type",
        )
    form = current_form(call=call)
    if form is None:
        raise ValidationError(_("The call has no application form."), code="no_form")
    application = Application.objects.create(
        call=call, organisation=organisation, form=form, created_by=acting_user
    )
    audit(acting_user=acting_user, action="application.started", target=application, call=call.reference)
    return application


def _locked(application: Application) -> Application:
    """The application read again under a lock of its own row. Only that row: the call, programme, agency and
    form read with it are shared by every application to the call, and locking them too would make all the saves
    and submits of a call wait for each other at the deadline."""
    return _lockable(WITH_AGENCY).get(pk=application.pk)


# What the locking statement reads with the application. A save needs the call, the organisation and the form; a
# submit also the agency, whose register number it takes. Each table joined costs PostgreSQL planning time on
# every request, more than running the statement (docs/performance.md), so a save joins only what it uses.
FOR_ANSWERS = ("call", "organisation", "form")
WITH_AGENCY = ("call__programme__agency", "organisation", "form")


def _lockable(related: tuple[str, ...]):
    return Application.objects.select_for_update(of=("self",)).select_related(*related)


def _locked_for_member(
    application: Application, acting_user, related: tuple[str, ...] = FOR_ANSWERS
) -> Application:
    """`_locked`, refused unless the person acts for the application's organisation. The rule is that of
    `applications.apply_for_organisation` (core.permissions.is_organisation_member), asked in the statement that
    locks the row, so that a save costs one statement less at the deadline."""
    locked = (
        _lockable(related)
        .annotate(
            acting_user_is_member=Exists(
                Membership.objects.filter(organisation=OuterRef("organisation"), person=acting_user.pk)
            )
        )
        .get(pk=application.pk)
    )
    if not (acting_user.is_active and locked.acting_user_is_member):
        raise PermissionDenied(_("You do not act for this organisation."))
    return locked


@transaction.atomic
def application_save(
    *,
    application: Application,
    answers: dict,
    version: int,
    acting_user,
    edit_key: str = "",
    only_changes: bool = False,
) -> Application:
    """Store the answers given; refused when another save came in between, after the deadline, or if malformed.

    `edit_key` names the open page the answers come from: when that page made the latest save itself (its
    automatic save raced its own Save button), its answers are not stale. `only_changes`: `answers` holds only
    the answers to change, a null removing one, as the API's PATCH sends them; the others are kept.
    """
    application = _locked_for_member(application, acting_user)
    if only_changes:
        answers = {key: value for key, value in (application.answers | answers).items() if value is not None}
    request = _refuse_unless_editable(application)
    _take_answers(application, answers=answers, version=version, edit_key=edit_key, request=request)
    _write_answers(application, acting_user=acting_user)
    return application


def _take_answers(
    application: Application,
    *,
    answers: dict,
    version: int,
    edit_key: str,
    request: CompletionRequest | None,
) -> None:
    """Check the answers for the locked `application` and set them on it, with the next version, unwritten."""
    own_latest_save = bool(edit_key) and edit_key == application.last_edit_key
    if version != application.version and not own_latest_save:
        raise ValidationError(
            _(
                "Someone saved this application after you opened it, in another tab or as another person. Your "
                "changes were not saved: open the application again to see the latest answers, then make your "
                "changes again."
            ),
            code="stale",
        )
    problems = malformed_answers(application.form.parsed, answers, answer_context(application))
    if problems:
        raise ValidationError(
            {field: ValidationError(message, code="malformed") for field, message in problems.items()}
        )
    answers = normalised_answers(application.form.parsed, answers)
    changed = {
        key
        for key in set(answers) | set(application.answers)
        if answers.get(key) not in (None, "", [], {})
        or application.answers.get(key) not in (None, "", [], {})
        if answers.get(key) != application.answers.get(key)
    }
    _refuse_unless_asked(request, question_ids=changed)
    application.answers = answers
    application.version += 1
    application.last_edit_key = edit_key[:32]


def _write_answers(application: Application, *, acting_user) -> None:
    application.save(update_fields=["answers", "version", "last_edit_key", "updated_at"])
    audit(
        acting_user=acting_user, action="application.saved", target=application, version=application.version
    )


def _attachment_rules(
    application: Application, *, question_id: str, required_attachment: RequiredAttachment | None
):
    """The kinds a slot accepts, its size limit in MB, how many files it takes and its name."""
    if required_attachment is not None:
        if required_attachment.call_id != application.call_id:
            raise ValidationError(_("That attachment belongs to another call."), code="wrong_call")
        return (
            DEFAULT_ATTACHMENT_KINDS,
            DEFAULT_MAX_ATTACHMENT_MB,
            required_attachment.max_files,
            required_attachment.name,
        )
    question = next(
        (
            item
            for item, _group in application.form.parsed.elements()
            if item.id == question_id and isinstance(item, AttachmentQuestion)
        ),
        None,
    )
    if question is None:
        raise ValidationError(_("The form has no such attachment question."), code="unknown_question")
    return (
        tuple(question.kinds),
        question.max_size_mb,
        question.max_files,
        question.label.in_language(language_code()),
    )


def _upload_slot(application: Application, acting_user, *, question_id: str, required_attachment):
    """The application locked for a member, refused unless it may be changed there: with the open completion
    request (None for a draft) and the slot's rules."""
    application = _locked_for_member(application, acting_user)
    request = _refuse_unless_editable(application)
    _refuse_unless_asked(
        request, question_ids=[question_id] if question_id else [], required_attachment=required_attachment
    )
    rules = _attachment_rules(application, question_id=question_id, required_attachment=required_attachment)
    return application, request, rules


@transaction.atomic
def attachment_add(
    *, application: Application, upload, acting_user, question_id: str = "", required_attachment=None
) -> Attachment:
    """Store an uploaded file; its type is decided by its content, never by its name."""
    application, request, (kinds, max_mb, max_files, slot_name) = _upload_slot(
        application, acting_user, question_id=question_id, required_attachment=required_attachment
    )
    counted = application.attachments.filter(question_id=question_id, required_attachment=required_attachment)
    if request is not None:
        counted = counted.filter(uploaded_at__gte=request.requested_at)
    counted = list(counted[:max_files])
    if len(counted) >= max_files:
        raise ValidationError(
            _("“%(slot)s” takes one file and %(file)s is attached: replace it or remove it first.")
            % {"slot": slot_name, "file": counted[0].original_name}
            if max_files == 1
            else _("“%(slot)s” takes at most %(count)s files: remove one first.")
            % {"slot": slot_name, "count": max_files},
            code="slot_full",
        )
    attachment = _stored_attachment(
        application,
        upload,
        kinds=kinds,
        max_mb=max_mb,
        question_id=question_id,
        required_attachment=required_attachment,
        acting_user=acting_user,
    )
    audit(
        acting_user=acting_user,
        action="application.attachment_added",
        target=application,
        file=attachment.original_name,
        kind=attachment.kind,
    )
    return attachment


def _stored_attachment(
    application: Application,
    upload,
    *,
    kinds,
    max_mb: int,
    question_id: str,
    required_attachment,
    acting_user,
) -> Attachment:
    """The upload checked against the slot's kinds and size, stored and recorded in its slot."""
    kind = accepted_upload_kind(upload, kinds=kinds, max_mb=max_mb)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original = Path(upload.name or "file").name[-200:]
    attachment = Attachment(
        application=application,
        question_id=question_id,
        required_attachment=required_attachment,
        original_name=original,
        kind=kind,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=acting_user,
    )
    attachment.file.save(stored_name(original, kind), upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_replace(*, attachment: Attachment, upload, acting_user) -> Attachment:
    """Put the upload in the place of `attachment`, in its slot; the old file is removed. A file sent with the
    application stays with it, as in `attachment_remove`."""
    application, request, (kinds, max_mb, _max_files, _slot_name) = _upload_slot(
        attachment.application,
        acting_user,
        question_id=attachment.question_id,
        required_attachment=attachment.required_attachment,
    )
    _refuse_if_sent(attachment, request)
    replacement = _stored_attachment(
        application,
        upload,
        kinds=kinds,
        max_mb=max_mb,
        question_id=attachment.question_id,
        required_attachment=attachment.required_attachment,
        acting_user=acting_user,
    )
    audit(
        acting_user=acting_user,
        action="application.attachment_replaced",
        target=application,
        file=replacement.original_name,
        kind=replacement.kind,
        replaced=attachment.original_name,
    )
    _delete_attachment(attachment)
    return replacement


def _refuse_if_sent(attachment: Attachment, request: CompletionRequest | None) -> None:
    if request is not None and attachment.uploaded_at < request.requested_at:
        raise ValidationError(
            _("A file sent with the application stays with it; add the new file beside it."),
            code="sent_attachment",
        )


def _delete_attachment(attachment: Attachment) -> None:
    """The record now, the stored file once the transaction has committed (a rollback keeps it)."""
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.storage.delete(stored.name))


@transaction.atomic
def attachment_remove(*, attachment: Attachment, acting_user) -> None:
    application = _locked_for_member(attachment.application, acting_user)
    request = _refuse_unless_editable(application)
    _refuse_if_sent(attachment, request)
    audit(
        acting_user=acting_user,
        action="application.attachment_removed",
        target=application,
        file=attachment.original_name,
    )
    _delete_attachment(attachment)


def _attachment_problems(
    application: Application, attachments: list[Attachment], required_ids: frozenset[int]
) -> list[dict]:
    problems = []
    missing = required_ids - {attachment.required_attachment_id for attachment in attachments}
    # Filtered here, not in SQL: a page that shows the required attachments has them read already.
    for required in application.call.required_attachments.all() if missing else ():
        if required.pk not in missing:
            continue
        problems.append(
            {
                "field": f"attachment-{required.pk}",
                "code": "attachment_missing",
                "message": _("Attach: %(name)s.") % {"name": required.name},
            }
        )
    answered_questions = {attachment.question_id for attachment in attachments if attachment.question_id}
    for item, _group in application.form.parsed.elements():
        if isinstance(item, AttachmentQuestion) and item.required and item.id not in answered_questions:
            problems.append(
                {
                    "field": f"q-{item.id}",
                    "code": "attachment_missing",
                    "message": _("Attach: %(name)s.") % {"name": item.label.in_language(language_code())},
                }
            )
    return problems


def next_register_number(agency, now) -> str:
    """The agency's next register number of the year: every document that opens a matter (an application, a
    request for review) takes one from the same sequence."""
    year = timezone.localtime(now).year
    number = _take_register_number(agency, year)
    if number is None:
        # The year's first number: a submit racing this one may create the sequence first, which get_or_create
        # allows for.
        RegisterNumberSequence.objects.get_or_create(agency=agency, year=year)
        number = _take_register_number(agency, year)
    return f"{agency.code}/{number}/{year}"


def _take_register_number(agency, year: int) -> int | None:
    """Count the year's sequence up and read it in one statement (PostgreSQL and SQLite both return what an UPDATE
    wrote); the row stays locked until the transaction ends, so no two documents get one number. None when the
    year has no sequence yet."""
    table = connection.ops.quote_name(RegisterNumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 WHERE agency_id = %s AND year = %s "
            "RETURNING last_number",
            [agency.pk, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def application_submit(
    *, application: Application, acting_user, now=None, checked_version: int | None = None
) -> Application:
    """Submit before the deadline: every rule is checked, a register number given, the facts copied.

    Submitting an already submitted application returns it as it is, so a double click or a retried request
    gives the same receipt. `checked_version`: the version the person checked before sending (the check page);
    a save made since refuses the submit, so nothing is sent that was not seen.
    """
    now = now or timezone.now()
    application = _locked_for_member(application, acting_user, WITH_AGENCY)
    if application.status == ApplicationStatus.SUBMITTED:
        return application
    _refuse_unless_draft(application)
    _refuse_unless_checked(application, checked_version)
    _refuse_unless_open(application.call, now)
    attachments, authority = _submittable(application, acting_user=acting_user, now=now)
    _submit(application, attachments=attachments, authority=authority, acting_user=acting_user, now=now)
    return application


def _refuse_unless_checked(application: Application, checked_version: int | None) -> None:
    if checked_version is not None and checked_version != application.version:
        raise ValidationError(
            _(
                "The application was changed after you checked it, in another tab or by another person. Check "
                "the answers again before sending."
            ),
            code="stale",
        )


def _submittable(application: Application, *, acting_user, now):
    """The attachments and the authority check of a draft that may be submitted, or the refusal; writes nothing
    but the authority check the submission is made under."""
    attachments = _attachments(application)
    if application.call.co_implementers_allowed:
        # Read once for the rules, the facts copied and the version kept.
        prefetch_related_objects([application], "co_implementers")
    _refuse_problems(application, attachments)
    authority = require_authority(person=acting_user, organisation=application.organisation, now=now)
    return attachments, authority


def _submit(application: Application, *, attachments, authority, acting_user, now) -> None:
    """Write the submission of the locked draft."""
    facts = _copy_facts(application)
    register_number = next_register_number(application.call.programme.agency, now)
    # The call's municipality rule as the figures stood when sent, kept in the log beside the submission.
    rule_check = check_municipality_rule(application.call, application.organisation)
    transition(
        application,
        "submit",
        acting_user=acting_user,
        locked=True,
        changes={
            **facts,
            "submitted_at": now,
            "submitted_by": acting_user,
            "register_number": register_number,
            "authority_check": authority,
        },
        register_number=register_number,
        version=application.version,
        **authority_details(authority),
        **(rule_check.as_details() if rule_check else {}),
    )
    # Only a draft is submitted, and nothing makes a sent application a draft again: this is its first version,
    # and it has no regions yet.
    _add_regions(application)
    _keep_version(application, number=1, attachments=attachments, acting_user=acting_user, now=now)
    language = acting_user.preferred_language or language_code()
    transaction.on_commit(
        lambda: send_submission_receipt.enqueue(application_id=application.pk, language=language)
    )


def _attachments(application: Application) -> list[Attachment]:
    """The application's attachments, read once for the checks, the version kept and the answer shown."""
    prefetch_related_objects([application], "attachments")
    return list(application.attachments.all())


def _refuse_problems(application: Application, attachments: list[Attachment]) -> None:
    problems = sending_problems(application, attachments)
    if problems:
        raise SubmissionRefused(problems)


def sending_problems(
    application: Application, attachments: list[Attachment], lists: CodeLists | None = None
) -> list[dict]:
    """Every reason the application cannot be sent yet, as {field, code, message}; none when it can. Reads the
    code lists unless given, nothing else."""
    lists = lists or code_lists(call=application.call, year=timezone.localdate().year)
    problems = submission_problems(
        application.form.parsed, application.answers, answer_context(application, lists)
    )
    return problems + _attachment_problems(application, attachments, lists.required_attachments)


def _copy_facts(application: Application) -> dict:
    """Copy the facts the service relies on from the answers into typed columns; the columns and their values,
    to be saved with the status."""
    facts = application.form.parsed.fact_questions()
    answers = application.answers
    figures = JointBudget(
        lead=BudgetFigures.from_answer(answers.get(facts["budget"].id)),
        co_implementers=co_implementer_parts(application),
    ).whole
    period = answers[facts["period"].id]
    organisation = application.organisation
    columns = {
        "project_name": answers[facts["project_name"].id],
        "project_summary": answers[facts["project_summary"].id],
        "total_eligible_costs": figures.total_eligible_costs,
        "income": figures.income,
        "other_public_funding": figures.other_public_funding,
        "own_funding": figures.own_funding,
        "requested_amount": figures.requested,
        "period_start": datetime.date.fromisoformat(period["start"]),
        "period_end": datetime.date.fromisoformat(period["end"]),
        "applicant_name": organisation.name,
        "applicant_business_id": organisation.business_id,
        "iban": organisation.iban,
        "vat_recoverable": _vat_recoverable(answers, facts),
        "declared_de_minimis_aid": _declared_de_minimis_aid(answers, facts),
    }
    for field, value in columns.items():
        setattr(application, field, value)
    return columns


def _vat_recoverable(answers: dict, facts: dict) -> bool | None:
    question = facts.get("vat_recoverable")
    return None if question is None else answers.get(question.id) == "yes"


def _declared_de_minimis_aid(answers: dict, facts: dict) -> list[dict]:
    """The de minimis aid lines the applicant declared, amounts to the cent; none where the form did not ask."""
    group = facts.get("de_minimis_aid")
    if group is None:
        return []
    return [
        {
            "granting_authority": row["granting-authority"],
            "granted_on": row["granted-on"],
            "amount": str(to_cents(row["amount"])),
        }
        for row in answers.get(group.id) or []
    ]


def _answered_regions(application: Application) -> list[str]:
    region_answer = application.answers[application.form.parsed.fact_questions()["regions"].id]
    return region_answer if isinstance(region_answer, list) else [region_answer]


def _add_regions(application: Application) -> None:
    """Copy the answered regions to an application that has none yet, in one statement."""
    through = Application.regions.through
    through.objects.bulk_create(
        [
            through(application=application, region_id=code)
            for code in dict.fromkeys(_answered_regions(application))
        ]
    )


def _set_regions(application: Application) -> None:
    application.regions.set(_answered_regions(application))


def _keep_version(
    application: Application,
    *,
    number: int,
    attachments: list[Attachment],
    acting_user,
    now,
    completion_request=None,
) -> SubmittedVersion:
    return SubmittedVersion.objects.create(
        application=application,
        number=number,
        answers=application.answers,
        attachment_ids=[attachment.pk for attachment in attachments],
        requested_amount=application.requested_amount,
        co_implementers=[snapshot(item) for item in application.co_implementers.all()]
        if application.call.co_implementers_allowed
        else [],
        sent_at=now,
        sent_by=acting_user,
        completion_request=completion_request,
    )


@transaction.atomic
def application_withdraw(*, application: Application, acting_user) -> Application:
    """Withdraw a draft or a submitted application before the call closes."""
    application = _locked_for_member(application, acting_user)
    if application.status == ApplicationStatus.WITHDRAWN:
        return application
    _refuse_unless_open(application.call)
    # Withdrawing what was sent to the ministry is an act in the organisation's name; dropping a draft is not.
    authority = (
        require_authority(person=acting_user, organisation=application.organisation)
        if application.status != ApplicationStatus.DRAFT
        else None
    )
    transition(
        application,
        "withdraw",
        acting_user=acting_user,
        locked=True,
        changes={"withdrawn_at": timezone.now()},
        **(authority_details(authority) if authority else {}),
    )
    return application


@transaction.atomic
def completion_request_create(
    *,
    application: Application,
    question_ids: list[str],
    required_attachments,
    message: str,
    reply_by: datetime.date,
    acting_user,
) -> CompletionRequest:
    """Ask the applicant to complete named answers or attachments by a day; the applicant is emailed."""
    if not acting_user.has_perm("applications.request_completion", application):
        raise PermissionDenied(_("Your role does not allow this."))
    application = _locked(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(
            _("Completion can be requested only for a submitted application without an open request."),
            code="not_submitted",
        )
    if application.call.status() != CallStatus.CLOSED:
        raise ValidationError(_("Completion is requested once the call has closed."), code="call_not_closed")
    errors = {}
    known = {item.id for item, _group in application.form.parsed.elements()}
    required_attachments = list(required_attachments)
    if not question_ids and not required_attachments:
        errors["question_ids"] = ValidationError(
            _("Name at least one answer or attachment to complete."), code="nothing_asked"
        )
    elif set(question_ids) - known:
        errors["question_ids"] = ValidationError(_("The form has no such question."), code="unknown_question")
    if any(required.call_id != application.call_id for required in required_attachments):
        errors["required_attachments"] = ValidationError(
            _("The call has no such required attachment."), code="unknown_attachment"
        )
    if not message.strip():
        errors["message"] = ValidationError(_("Say what is missing."), code="message_required")
    if reply_by is None or reply_by <= helsinki_today():
        errors["reply_by"] = ValidationError(
            _("The reply deadline must be a day after today."), code="reply_by_past"
        )
    if errors:
        raise ValidationError(errors)
    request = CompletionRequest.objects.create(
        application=application,
        question_ids=list(dict.fromkeys(question_ids)),
        message=message.strip(),
        reply_by=reply_by,
        requested_by=acting_user,
    )
    request.required_attachments.set(required_attachments)
    transition(
        application,
        "request_completion",
        acting_user=acting_user,
        locked=True,
        reason=request.message,
        reply_by=reply_by,
    )
    recipient = application.submitted_by
    queue_email(
        key=f"completion-request:{request.pk}",
        template="applications/email/completion_request",
        context={
            "application": application,
            "request": request,
            "questions": request_question_labels(request, recipient.preferred_language),
            "attachments": [required.name for required in required_attachments],
            "url": site_url("applications:edit", pk=application.pk, language=recipient.preferred_language),
        },
        recipient=recipient.email,
        language=recipient.preferred_language,
    )
    return request


def request_question_labels(request: CompletionRequest, language: str) -> list[str]:
    labels = {
        item.id: item.label.in_language(language)
        for item, _group in request.application.form.parsed.elements()
        if hasattr(item, "label")
    }
    return [labels.get(question_id, question_id) for question_id in request.question_ids]


@transaction.atomic
def completion_submit(
    *, application: Application, acting_user, now=None, checked_version: int | None = None
) -> Application:
    """Send the completed application back before the reply deadline; every rule is checked again.
    `checked_version` as in `application_submit`."""
    now = now or timezone.now()
    application = _locked_for_member(application, acting_user, WITH_AGENCY)
    if application.status == ApplicationStatus.SUBMITTED:
        return application
    request = _open_request_or_refuse(application, now)
    _refuse_unless_checked(application, checked_version)
    attachments = _attachments(application)
    if application.call.co_implementers_allowed:
        # Read once for the rules, the facts copied and the version kept.
        prefetch_related_objects([application], "co_implementers")
    _refuse_problems(application, attachments)
    authority = require_authority(person=acting_user, organisation=application.organisation, now=now)
    facts = _copy_facts(application)
    _set_regions(application)
    version = _keep_version(
        application,
        number=application.submitted_versions.count() + 1,
        attachments=attachments,
        acting_user=acting_user,
        now=now,
        completion_request=request,
    )
    request.answered_at = now
    request.answered_by = acting_user
    request.save(update_fields=["answered_at", "answered_by"])
    transition(
        application,
        "complete",
        acting_user=acting_user,
        locked=True,
        changes={**facts, "authority_check": authority},
        version=version.number,
        **authority_details(authority),
    )
    language = acting_user.preferred_language or language_code()
    transaction.on_commit(
        lambda: send_submission_receipt.enqueue(
            application_id=application.pk, language=language, version=version.number
        )
    )
    return application


@transaction.atomic
def business_secrets_mark(
    *, application: Application, answers: dict[str, str], attachments: dict[int, str], acting_user
) -> Application:
    """Mark answers (by question id) and attachments (by id) as business secrets, each with the applicant's short
    reason; what is not named is unmarked. Allowed while the application can be changed: a draft while the call
    is open, or an application whose completion is asked."""
    application = _locked_for_member(application, acting_user)
    _refuse_unless_editable(application)
    reasons = {**answers, **{f"file-{pk}": reason for pk, reason in attachments.items()}}
    if any(not reason.strip() for reason in reasons.values()):
        raise ValidationError(
            _("Say briefly why each marked part is a business secret."), code="secret_reason_missing"
        )
    if any(len(reason.strip()) > REASON_MAX_LENGTH for reason in reasons.values()):
        raise ValidationError(
            _("Keep each reason within %(limit)d characters.") % {"limit": REASON_MAX_LENGTH},
            code="secret_reason_too_long",
        )
    # Only questions of their own: an answer inside a group is kept under the group, and is marked with it.
    known = {question.id for question, group in application.form.parsed.elements() if group is None}
    files = dict(application.attachments.values_list("pk", "secret_reason"))
    if set(answers) - known or set(attachments) - set(files):
        raise ValidationError(
            _("Only the application's own answers and files can be marked."), code="unknown_part"
        )
    application.secret_answers = {key: reason.strip() for key, reason in answers.items()}
    application.save(update_fields=["secret_answers", "updated_at"])
    for pk, current in files.items():
        reason = attachments.get(pk, "").strip()
        if reason != current:
            Attachment.objects.filter(pk=pk).update(secret_reason=reason)
    audit(
        acting_user=acting_user,
        action="application.business_secrets_marked",
        target=application,
        questions=sorted(application.secret_answers),
        attachments=sorted(pk for pk in attachments),
    )
    return application


@transaction.atomic
def public_version_produce(*, application: Application, sent: SubmittedVersion, language: str, acting_user):
    """The public version of version `sent` as a PDF for an information request, logged: who produced it, when,
    of which version and in which language. Those who handle or decide the case may produce it."""
    if not acting_user.has_perm("applications.produce_public_version", application):
        raise PermissionDenied
    document = public_version_document(application, sent, language)
    audit(
        acting_user=acting_user,
        action="application.public_version_produced",
        target=application,
        version=sent.number,
        language=language,
        secret_questions=sorted(application.secret_answers),
    )
    return document


CO_IMPLEMENTER_TEXT_FIELDS = ("business_id", "name", "contact_name", "contact_email", "contact_phone")
MAX_AMOUNT = Decimal("999999999999.99")


def _refuse_unless_co_implementers_editable(application: Application) -> None:
    """Co-implementers are changed in a draft of a call that allows them, or while completing the budget."""
    if not application.call.co_implementers_allowed:
        raise ValidationError(
            _("This call does not allow co-implementers."), code="co_implementers_not_allowed"
        )
    request = _refuse_unless_editable(application)
    _refuse_unless_asked(request, question_ids=[application.form.parsed.fact_questions()["budget"].id])


def _clean_amount(value, field: str, errors: dict) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0).strip())
    except (InvalidOperation, ValueError):
        errors[field] = ValidationError(_("Enter an amount in euros."), code="not_an_amount")
        return ZERO
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or not is_whole_cents(amount):
        errors[field] = ValidationError(
            _("Enter an amount of at least zero, in euros and cents."), code="not_an_amount"
        )
        return ZERO
    return to_cents(amount)


def _clean_co_implementer(application: Application, fields: dict, *, replacing: int | None = None) -> dict:
    """The co-implementer's fields checked and in canonical form, or a ValidationError by field."""
    errors: dict[str, ValidationError] = {}
    unknown = set(fields) - {*CO_IMPLEMENTER_TEXT_FIELDS, "costs", "own_funding"}
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, code="unknown_fields"
        )
    text = {name: str(fields.get(name) or "").strip() for name in CO_IMPLEMENTER_TEXT_FIELDS}
    try:
        text["business_id"] = clean_business_id(text["business_id"])
    except ValidationError as error:
        errors["business_id"] = error
    else:
        if text["business_id"] == application.organisation.business_id:
            errors["business_id"] = ValidationError(
                _(
                    "%(business_id)s is the applicant's own Business ID: the applicant's part is its own budget."
                )
                % {"business_id": text["business_id"]},
                code="co_implementer_is_applicant",
            )
        elif (
            application.co_implementers.filter(business_id=text["business_id"]).exclude(pk=replacing).exists()
        ):
            errors["business_id"] = ValidationError(
                _("%(business_id)s is already a co-implementer of this application.")
                % {"business_id": text["business_id"]},
                code="co_implementer_twice",
            )
    for name, message, limit in (
        ("name", _("Enter the co-implementer's name."), 255),
        ("contact_name", _("Enter the name of the co-implementer's contact person."), 200),
    ):
        if not text[name]:
            errors[name] = ValidationError(message, code="required")
        elif len(text[name]) > limit:
            errors[name] = ValidationError(
                _("At most %(limit)s characters.") % {"limit": limit}, code="too_long"
            )
    try:
        validate_email(text["contact_email"])
    except ValidationError:
        errors["contact_email"] = ValidationError(
            _("Enter the contact person's email address, e.g. name@example.org."), code="email"
        )
    if text["contact_phone"] and not PHONE.fullmatch(text["contact_phone"]):
        errors["contact_phone"] = ValidationError(
            _("Enter the phone number in digits, e.g. +358 40 123 4567."), code="phone"
        )
    costs = fields.get("costs") or {}
    if not isinstance(costs, dict) or set(costs) - set(COST_CATEGORIES):
        errors["costs"] = ValidationError(
            _("Give the costs by the budget's cost categories: %(categories)s.")
            % {"categories": ", ".join(COST_CATEGORIES)},
            code="unknown_cost_category",
        )
        costs = {}
    cleaned_costs = {
        category: _clean_amount(costs.get(category), f"cost_{category}", errors)
        for category in COST_CATEGORIES
    }
    own_funding = _clean_amount(fields.get("own_funding"), "own_funding", errors)
    if errors:
        raise ValidationError(errors)
    return {
        **text,
        "costs": {category: str(amount) for category, amount in cleaned_costs.items() if amount},
        "own_funding": own_funding,
    }


@transaction.atomic
def co_implementer_add(*, application: Application, acting_user, **fields) -> CoImplementer:
    """Name a co-implementer of the joint project, with its part of the budget and its contact person."""
    application = _locked_for_member(application, acting_user)
    _refuse_unless_co_implementers_editable(application)
    if application.co_implementers.count() >= MAX_CO_IMPLEMENTERS:
        raise ValidationError(
            _("An application can name at most %(limit)s co-implementers.") % {"limit": MAX_CO_IMPLEMENTERS},
            code="too_many_co_implementers",
        )
    co_implementer = CoImplementer.objects.create(
        application=application, **_clean_co_implementer(application, fields)
    )
    _changed_by_co_implementer(application, co_implementer, "application.co_implementer_added", acting_user)
    return co_implementer


@transaction.atomic
def co_implementer_change(*, co_implementer: CoImplementer, acting_user, **fields) -> CoImplementer:
    """Change a co-implementer's details or its part of the budget; the fields not given are kept."""
    application = _locked_for_member(co_implementer.application, acting_user)
    _refuse_unless_co_implementers_editable(application)
    co_implementer = application.co_implementers.get(pk=co_implementer.pk)
    current = {
        name: getattr(co_implementer, name) for name in (*CO_IMPLEMENTER_TEXT_FIELDS, "costs", "own_funding")
    }
    cleaned = _clean_co_implementer(application, current | fields, replacing=co_implementer.pk)
    if cleaned["business_id"] != co_implementer.business_id:
        _refuse_if_in_a_decision(co_implementer)
    for name, value in cleaned.items():
        setattr(co_implementer, name, value)
    co_implementer.save()
    _changed_by_co_implementer(application, co_implementer, "application.co_implementer_changed", acting_user)
    return co_implementer


@transaction.atomic
def co_implementer_remove(*, co_implementer: CoImplementer, acting_user) -> None:
    """Remove a co-implementer from the application; its part leaves the budget with it."""
    application = _locked_for_member(co_implementer.application, acting_user)
    _refuse_unless_co_implementers_editable(application)
    co_implementer = application.co_implementers.get(pk=co_implementer.pk)
    _refuse_if_in_a_decision(co_implementer)
    _changed_by_co_implementer(application, co_implementer, "application.co_implementer_removed", acting_user)
    co_implementer.delete()


def _refuse_if_in_a_decision(co_implementer: CoImplementer) -> None:
    """A decision (a draft included) that gives the co-implementer a share names that organisation: it cannot be
    removed or become another organisation under it."""
    if co_implementer.decision_shares.exists():
        raise ValidationError(
            _(
                "A decision on the application gives %(name)s a share of the grant: it cannot be removed or "
                "replaced by another organisation. Contact the official handling the application."
            )
            % {"name": co_implementer.name},
            code="co_implementer_in_decision",
        )


def _changed_by_co_implementer(application: Application, co_implementer, action: str, acting_user) -> None:
    """A change of co-implementers changes what will be sent: the application's version grows, so that a check
    page opened before it cannot send it unseen."""
    application.version += 1
    application.save(update_fields=["version", "updated_at"])
    audit(
        acting_user=acting_user,
        action=action,
        target=application,
        co_implementer=co_implementer.business_id,
        version=application.version,
    )
