import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.applications import selectors, services
from avustamo.applications.answers import parse_post
from avustamo.applications.documents import sent_application_document
from avustamo.applications.models import ApplicationStatus
from avustamo.core.confirmation import unconfirmed_file_removal
from avustamo.core.downloads import file_download
from avustamo.core.feedback import perform
from avustamo.core.ids import id_or_none
from avustamo.core.translation import language_code
from avustamo.organisations.authority import authority_source
from avustamo.organisations.authority_views import confirm_right_to_act
from avustamo.organisations.forms import CONSENT_TEXT
from avustamo.organisations.models import AuthoritySource, Organisation
from avustamo.organisations.selectors import consents_to_electronic_notification
from avustamo.organisations.services import notification_consent_set
from avustamo.programmes.application_form.presentation import present
from avustamo.programmes.application_form.schema import Attachment as AttachmentQuestion
from avustamo.programmes.models import CallStatus
from avustamo.programmes.selectors import public_call


def _application(request, pk):
    application = selectors.application_for_person(person=request.user, pk=pk)
    if application is None:
        raise Http404
    return application


@login_required
@require_POST
def start(request, call_pk):
    call = public_call(pk=call_pk)
    if call is None:
        raise Http404
    organisation = get_object_or_404(Organisation, pk=id_or_none(request.POST.get("organisation")))
    try:
        application = services.application_start(
            call=call, organisation=organisation, acting_user=request.user
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("programmes:call_detail", pk=call.pk)
    messages.success(request, _("Your application has been started. You can save it and continue later."))
    return redirect("applications:edit", pk=application.pk)


def _editable(application) -> bool:
    if application.status == ApplicationStatus.COMPLETION_REQUESTED:
        request = services.open_completion_request(application)
        return request is not None and not request.is_overdue()
    return application.status == ApplicationStatus.DRAFT and application.call.status() == CallStatus.OPEN


def _page(request, application, *, answers=None, errors=None, problems=(), status=200):
    definition = application.form.parsed
    # The page lists the required attachments twice and the attachments several times: read each once.
    prefetch_related_objects([application], "attachments", "call__required_attachments")
    choices = selectors.form_choices(
        call=application.call,
        definition=definition,
        valid_in=timezone.localdate().year,
    )
    questions = [item for item, _group in definition.elements() if isinstance(item, AttachmentQuestion)]
    return render(
        request,
        "applications/edit.html",
        {
            "application": application,
            "call": application.call,
            "organisation": application.organisation,
            "editable": _editable(application),
            "completion_request": services.open_completion_request(application)
            if application.status == ApplicationStatus.COMPLETION_REQUESTED
            else None,
            "sections": present(
                definition,
                language_code(),
                regions=choices.regions,
                municipalities=choices.municipalities,
                declarations=choices.declarations,
                answers=application.answers if answers is None else answers,
                errors=errors or {},
            ),
            "problems": problems,
            "edit_key": request.POST.get("edit_key") or secrets.token_hex(16),
            "attachment_questions": [
                (item.id, item.label.in_language(language_code())) for item in questions
            ],
            "ask_consent": application.status == ApplicationStatus.DRAFT
            and not consents_to_electronic_notification(application.organisation),
            "consent_text": CONSENT_TEXT,
        },
        status=status,
    )


@login_required
def edit(request, pk):
    application = _application(request, pk)
    if request.method != "POST":
        return _page(request, application)
    # The page posts every answer; while completing, only the ones asked for are taken from it.
    answers = services.answers_from_page(application, parse_post(application.form.parsed, request.POST))
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    saving = {
        "answers": answers,
        "version": version,
        "acting_user": request.user,
        "edit_key": request.POST.get("edit_key", "")[:32],
    }
    if _saved_and_submitted_at_once(request, application):
        return _save_and_submit(request, application, saving)
    try:
        application = services.application_save(application=application, **saving)
    except ValidationError as error:
        if request.htmx:
            return _autosave_status(
                request,
                application,
                error=" ".join(error.messages),
                status=409 if getattr(error, "code", None) == "stale" else 422,
            )
        return _save_refused(request, application, answers, error)
    if request.htmx:
        return _autosave_status(request, application)
    upload_errors = _attach_uploaded_files(request, application)
    if upload_errors:
        return _page(
            request, application, errors=upload_errors, problems=_as_problems(upload_errors), status=422
        )
    if request.POST.get("action") != "submit":
        messages.success(request, _("Saved."))
        return redirect("applications:edit", pk=application.pk)
    refused = confirm_right_to_act(
        request, application.organisation, back_to=reverse("applications:edit", args=[application.pk])
    )
    if refused is not None:
        return refused
    submit = (
        services.completion_submit
        if application.status == ApplicationStatus.COMPLETION_REQUESTED
        else services.application_submit
    )
    try:
        application = submit(application=application, acting_user=request.user)
    except ValidationError as error:
        return _submit_refused(request, application, error)
    return _submitted(request, application)


def _saved_and_submitted_at_once(request, application) -> bool:
    """Whether Send saves and submits in one transaction: a draft with no files to attach first, of an
    organisation whose right to act officials verify. Where e-Authorizations is asked again before the submit,
    its refusal sends the person there, so the answers are saved before it is asked."""
    return (
        request.POST.get("action") == "submit"
        and not request.htmx
        and not request.FILES
        and application.status == ApplicationStatus.DRAFT
        and authority_source(application.organisation) == AuthoritySource.OFFICIAL_VERIFICATION
    )


def _save_and_submit(request, application, saving: dict):
    try:
        application = services.application_save_and_submit(application=application, **saving)
    except services.SavedNotSubmitted as outcome:
        return _submit_refused(request, outcome.application, outcome.refusal)
    except ValidationError as error:
        return _save_refused(request, application, saving["answers"], error)
    return _submitted(request, application)


def _save_refused(request, application, answers, error: ValidationError):
    """The page again with the answers posted and why they were not saved."""
    if hasattr(error, "error_dict"):
        errors = {field: " ".join(messages_) for field, messages_ in error.message_dict.items()}
        return _page(
            request, application, answers=answers, errors=errors, problems=_as_problems(errors), status=422
        )
    return _page(
        request,
        application,
        answers=answers,
        problems=[{"field": "", "message": m} for m in error.messages],
        status=409 if error.code == "stale" else 422,
    )


def _submit_refused(request, application, error: ValidationError):
    """The page again, its answers saved, with why it was not submitted."""
    if isinstance(error, services.SubmissionRefused):
        errors = {problem["field"]: problem["message"] for problem in error.problems}
        return _page(request, application, errors=errors, problems=error.problems, status=422)
    return _page(
        request, application, problems=[{"field": "", "message": m} for m in error.messages], status=422
    )


def _submitted(request, application):
    if request.POST.get("notification_consent") and not consents_to_electronic_notification(
        application.organisation
    ):
        # Asked beside the submission, answered after it: a refused consent never holds the application back.
        try:
            notification_consent_set(
                organisation=application.organisation, consents=True, acting_user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The consent to electronic notification has been given."))
    return redirect("applications:receipt", pk=application.pk)


def _autosave_status(request, application, *, error: str = "", status: int = 200):
    """The answer to an automatic save: when it happened, and the version the next save must name."""
    return render(
        request,
        "applications/includes/autosave_status.html",
        {"application": application, "error": error},
        status=status,
    )


def _as_problems(errors: dict) -> list[dict]:
    return [{"field": field, "message": message} for field, message in errors.items()]


def _attach_uploaded_files(request, application) -> dict[str, str]:
    """Attach the files chosen in the form's attachment inputs; returns problems by input name."""
    errors = {}
    if not request.FILES:
        return errors
    required_by_pk = {str(required.pk): required for required in application.call.required_attachments.all()}
    for name, upload in request.FILES.items():
        kind, _separator, key = name.partition("-")
        required = required_by_pk.get(key) if kind == "attachment" else None
        question_id = key if kind == "question" else ""
        if required is None and not question_id:
            continue
        try:
            services.attachment_add(
                application=application,
                upload=upload,
                required_attachment=required,
                question_id=question_id,
                acting_user=request.user,
            )
        except ValidationError as error:
            # The message names the file and, for a required attachment, its slot: the page may list several.
            where = (
                _("%(file)s for “%(slot)s”") % {"file": upload.name, "slot": required.name}
                if required
                else upload.name
            )
            errors[f"attachment-{key}" if required else f"q-{question_id}"] = (
                f"{where}: {' '.join(error.messages)}"
            )
    return errors


@login_required
def receipt_document(request, pk):
    """The application as last sent, the same PDF its receipt email carries, in the page's language."""
    application = _application(request, pk)
    sent = selectors.latest_sent_version(application=application)
    if sent is None:
        raise Http404
    document = sent_application_document(application, sent, language_code())
    return file_download(document, name=document.name, kind="pdf")


@login_required
def receipt(request, pk):
    application = _application(request, pk)
    if application.status != ApplicationStatus.SUBMITTED:
        return redirect("applications:edit", pk=application.pk)
    return render(request, "applications/receipt.html", {"application": application})


@login_required
@require_POST
def remove_attachment(request, pk, attachment_pk):
    application = _application(request, pk)
    attachment = get_object_or_404(application.attachments.all(), pk=attachment_pk)
    asking = unconfirmed_file_removal(
        request,
        name=attachment.original_name,
        cancel_url=reverse("applications:edit", args=[application.pk]),
    )
    if asking:
        return asking
    perform(
        request,
        lambda: services.attachment_remove(attachment=attachment, acting_user=request.user),
        _("%(name)s has been removed.") % {"name": attachment.original_name},
    )
    return redirect("applications:edit", pk=application.pk)


@login_required
@require_POST
def withdraw(request, pk):
    application = _application(request, pk)
    if application.status != ApplicationStatus.DRAFT:
        refused = confirm_right_to_act(
            request, application.organisation, back_to=reverse("applications:edit", args=[application.pk])
        )
        if refused is not None:
            return refused
    perform(
        request,
        lambda: services.application_withdraw(application=application, acting_user=request.user),
        _("The application has been withdrawn."),
    )
    return redirect("applications:edit", pk=application.pk)
