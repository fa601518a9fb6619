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
from avustamo.applications.forms import CoImplementerForm
from avustamo.applications.models import ApplicationStatus
from avustamo.applications.progress import in_page_order, task_list
from avustamo.applications.secrets import REASON_MAX_LENGTH, markable_questions, show_marks
from avustamo.applications.workspace import log_application_view, official_application, workspace_context
from avustamo.core.confirmation import Confirmation, unconfirmed, unconfirmed_file_removal
from avustamo.core.downloads import file_download
from avustamo.core.feedback import perform
from avustamo.core.forms import add_service_errors
from avustamo.core.ids import id_or_none
from avustamo.core.translation import language_code
from avustamo.organisations.authority_views import confirm_right_to_act
from avustamo.organisations.forms import CONSENT_TEXT
from avustamo.organisations.models import Organisation
from avustamo.organisations.selectors import consents_to_electronic_notification
from avustamo.organisations.services import notification_consent_set
from avustamo.programmes.application_form.presentation import present
from avustamo.programmes.models import CallStatus
from avustamo.programmes.municipality_rules import check_municipality_rule
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


def _completion_request(application):
    if application.status != ApplicationStatus.COMPLETION_REQUESTED:
        return None
    return services.open_completion_request(application)


def _editable(application, completion_request=None) -> bool:
    """A draft while the call is open, or an application being completed until the reply day. A page that has
    read the open completion request passes it, so that it is not read again."""
    if application.status == ApplicationStatus.COMPLETION_REQUESTED:
        request = completion_request or _completion_request(application)
        return request is not None and not request.is_overdue()
    return application.status == ApplicationStatus.DRAFT and application.call.status() == CallStatus.OPEN


def _form_context(application, *, answers=None, errors=None) -> dict:
    """What the form page and the check page show: the form with the answers, the attachment slots, and, while
    the application can be changed, the reasons it cannot be sent yet (the code lists made from the choices read,
    so no statement more)."""
    definition = application.form.parsed
    # The pages list the required attachments and the attachments several times: read each once.
    prefetch_related_objects([application], "attachments", "call__required_attachments")
    if application.call.co_implementers_allowed:
        # The rules and the joint budget both read the co-implementers.
        prefetch_related_objects([application], "co_implementers")
    choices = selectors.form_choices(
        call=application.call,
        definition=definition,
        valid_in=timezone.localdate().year,
    )
    completion_request = _completion_request(application)
    language = language_code()
    slots = selectors.attachment_slots(
        application,
        language=language,
        counted_since=completion_request.requested_at if completion_request else None,
    )
    sections = present(
        definition,
        language,
        regions=choices.regions,
        municipalities=choices.municipalities,
        declarations=choices.declarations,
        answers=application.answers if answers is None else answers,
        errors=errors or {},
    )
    _place_slots(sections, slots)
    show_marks(sections, application.secret_answers)
    for slot in slots:
        slot.error = (errors or {}).get(slot.key, "")
    editable = _editable(application, completion_request)
    return {
        "application": application,
        "call": application.call,
        "organisation": application.organisation,
        "completion_request": completion_request,
        "editable": editable,
        "sections": sections,
        "slots": slots,
        "call_slots": [slot for slot in slots if slot.required_attachment is not None],
        "municipality_rule": check_municipality_rule(application.call, application.organisation)
        if editable
        else None,
        "joint": selectors.joint_budget(application, answers=answers),
        "sending_problems": services.sending_problems(
            application, list(application.attachments.all()), selectors.code_lists_of(application, choices)
        )
        if editable
        else [],
    }


def _place_slots(sections, slots) -> None:
    """Each attachment question of the form is shown with its slot, where the form asks it."""
    by_question = {slot.question_id: slot for slot in slots if slot.question_id}
    for section in sections:
        for element in section.elements:
            for shown in [element, *element.members]:
                if shown.type == "attachment":
                    shown.slot = by_question.get(shown.id)


def _page(request, application, *, answers=None, errors=None, problems=(), status=200):
    context = _form_context(application, answers=answers, errors=errors)
    attachments_title = _("Attachments") if context["call_slots"] else ""
    return render(
        request,
        "applications/edit.html",
        {
            **context,
            "problems": in_page_order(application.form.parsed, list(problems)),
            "tasks": task_list(
                application.form.parsed,
                application.answers,
                [*context["sending_problems"], *problems],
                language=language_code(),
                attachments_title=attachments_title,
                attachments_given=any(slot.files for slot in context["call_slots"]),
            )
            if context["editable"]
            else [],
            "edit_key": request.POST.get("edit_key") or secrets.token_hex(16),
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
    try:
        application = services.application_save(
            application=application,
            answers=answers,
            version=version,
            acting_user=request.user,
            edit_key=request.POST.get("edit_key", "")[:32],
        )
    except ValidationError as error:
        if request.htmx:
            return _autosave_status(
                request,
                application,
                error=" ".join(error.messages),
                status=409 if getattr(error, "code", None) == "stale" else 422,
            )
        # The chosen files do not depend on the answers: keep them, so the applicant need not choose them again.
        return _save_refused(
            request, application, answers, error, _attach_uploaded_files(request, application)
        )
    if request.htmx:
        return _autosave_status(request, application)
    upload_errors = _attach_uploaded_files(request, application)
    if upload_errors:
        return _page(
            request, application, errors=upload_errors, problems=_as_problems(upload_errors), status=422
        )
    action = request.POST.get("action", "")
    if action == "check":
        return _to_checking(request, application)
    replacing = id_or_none(action.removeprefix("replace:")) if action.startswith("replace:") else None
    if replacing is not None:
        return redirect("applications:replace_attachment", pk=application.pk, attachment_pk=replacing)
    messages.success(request, _("Saved."))
    return redirect("applications:edit", pk=application.pk)


def _to_checking(request, application):
    """On to the check page once nothing stops the sending; otherwise the form again with what is left to do."""
    prefetch_related_objects([application], "attachments")
    problems = services.sending_problems(application, list(application.attachments.all()))
    if problems:
        return _page(request, application, errors=_inline(problems), problems=problems, status=422)
    return redirect("applications:check", pk=application.pk)


def _inline(problems: list[dict]) -> dict[str, str]:
    """The problems by field, each shown next to its field."""
    return {problem["field"]: problem["message"] for problem in problems if problem["field"]}


@login_required
def check(request, pk):
    """Check your answers: everything the application will send, by section, with links to change each, then
    the Send button. Sending names the version checked, so a save made since (another tab) is not sent unseen."""
    application = _application(request, pk)
    if not _editable(application):
        return redirect("applications:edit", pk=application.pk)
    if request.method != "POST":
        return _check_page(request, application)
    refused = confirm_right_to_act(
        request, application.organisation, back_to=reverse("applications:check", args=[application.pk])
    )
    if refused is not None:
        return refused
    submit = (
        services.completion_submit
        if application.status == ApplicationStatus.COMPLETION_REQUESTED
        else services.application_submit
    )
    try:
        application = submit(
            application=application,
            acting_user=request.user,
            checked_version=id_or_none(request.POST.get("version")) or -1,
        )
    except services.SubmissionRefused as error:
        return _page(
            request, application, errors=_inline(error.problems), problems=error.problems, status=422
        )
    except ValidationError as error:
        return _check_page(
            request,
            application,
            refusal=" ".join(error.messages),
            status=409 if error.code == "stale" else 422,
        )
    return _submitted(request, application)


def _check_page(request, application, *, refusal: str = "", status: int = 200):
    context = _form_context(application)
    if context["sending_problems"] and not refusal:
        problems = context["sending_problems"]
        return _page(request, application, errors=_inline(problems), problems=problems)
    return render(
        request,
        "applications/check.html",
        {
            **context,
            "refusal": refusal,
            "ask_consent": application.status == ApplicationStatus.DRAFT
            and not consents_to_electronic_notification(application.organisation),
            "consent_text": CONSENT_TEXT,
        },
        status=status,
    )


def _save_refused(request, application, answers, error: ValidationError, upload_errors=None):
    """The page again with the answers posted, why they were not saved, and why any file was refused."""
    upload_errors = upload_errors or {}
    if hasattr(error, "error_dict"):
        errors = {
            field: " ".join(messages_) for field, messages_ in error.message_dict.items()
        } | upload_errors
        return _page(
            request, application, answers=answers, errors=errors, problems=_as_problems(errors), status=422
        )
    return _page(
        request,
        application,
        answers=answers,
        errors=upload_errors,
        problems=[{"field": "", "message": m} for m in error.messages] + _as_problems(upload_errors),
        status=409 if error.code == "stale" else 422,
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
def replace_attachment(request, pk, attachment_pk):
    """Asks before a slot that takes one file has its file replaced: the page says which file goes, and the
    upload made on it is the answer."""
    application = _application(request, pk)
    attachment = get_object_or_404(
        application.attachments.select_related("required_attachment"), pk=attachment_pk
    )
    back = reverse("applications:edit", args=[application.pk])
    if not _editable(application):
        return redirect(back)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose the file that replaces %(file)s.") % {"file": attachment.original_name}
        else:
            try:
                replacement = services.attachment_replace(
                    attachment=attachment, upload=upload, acting_user=request.user
                )
            except ValidationError as refusal:
                error = f"{upload.name}: {' '.join(refusal.messages)}"
            else:
                messages.success(
                    request,
                    _("%(new)s replaced %(old)s.")
                    % {"new": replacement.original_name, "old": attachment.original_name},
                )
                return redirect(back)
    return render(
        request,
        "applications/replace_attachment.html",
        {
            "application": application,
            "attachment": attachment,
            "slot_name": attachment.required_attachment.name
            if attachment.required_attachment
            else _question_label(application, attachment.question_id),
            "error": error,
            "back": back,
        },
        status=422 if error else 200,
    )


def _question_label(application, question_id: str) -> str:
    return next(
        (
            item.label.in_language(language_code())
            for item, _group in application.form.parsed.elements()
            if item.id == question_id
        ),
        "",
    )


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


@login_required
def business_secrets(request, pk):
    """Mark answers and files as business secrets (Publicity Act §24(1)(20)), each with a short reason, while the
    application can be changed."""
    application = _application(request, pk)
    if not _editable(application):
        return redirect("applications:edit", pk=application.pk)
    refusal, status = "", 200
    if request.method == "POST":
        posted = request.POST
        try:
            services.business_secrets_mark(
                application=application,
                answers={
                    key.removeprefix("secret-q-"): posted.get(f"reason-q-{key.removeprefix('secret-q-')}", "")
                    for key in posted
                    if key.startswith("secret-q-")
                },
                attachments={
                    file_id: posted.get(f"reason-file-{pk_text}", "")
                    for pk_text in (
                        key.removeprefix("secret-file-") for key in posted if key.startswith("secret-file-")
                    )
                    if (file_id := id_or_none(pk_text)) is not None
                },
                acting_user=request.user,
            )
        except ValidationError as error:
            refusal, status = " ".join(error.messages), 422
        else:
            messages.success(request, _("The marks of business secrets were saved."))
            return redirect("applications:check", pk=application.pk)
    context = _form_context(application)
    rows = [
        (f"q-{question.id}", question.label, question.secret_reason)
        for question in markable_questions(context["sections"])
    ]
    rows += [
        (f"file-{file.pk}", file.original_name, file.secret_reason) for file in application.attachments.all()
    ]
    posted = request.POST if request.method == "POST" else None
    return render(
        request,
        "applications/business_secrets.html",
        {
            **context,
            "rows": [
                {
                    "key": key,
                    "label": label,
                    "marked": bool(posted.get(f"secret-{key}")) if posted is not None else bool(reason),
                    "reason": posted.get(f"reason-{key}", "") if posted is not None else reason,
                }
                for key, label, reason in rows
            ],
            "reason_max_length": REASON_MAX_LENGTH,
            "refusal": refusal,
        },
        status=status,
    )


def _joint_application(request, pk):
    """The applicant's application to a call that allows co-implementers; 404 for any other."""
    application = _application(request, pk)
    if not application.call.co_implementers_allowed:
        raise Http404
    return application


def _co_implementer_page(request, application, form, *, co_implementer=None, status=200):
    return render(
        request,
        "applications/co_implementer.html",
        {
            "application": application,
            "call": application.call,
            "form": form,
            "co_implementer": co_implementer,
            "own_funding_min": application.call.own_funding_min_percent
            if application.call.own_funding_min_per_co_implementer
            else None,
        },
        status=status,
    )


PUBLIC_VERSION_LANGUAGES = {"fi", "sv", "en"}


@login_required
def public_version(request, pk):
    """An information request (asiakirjapyyntö): the official produces the public version of a version sent, as a
    PDF without the parts marked as business secrets and without personal identity codes; each production is
    logged (who, when, which version, which language)."""
    application = official_application(request, pk, "applications.produce_public_version")
    log_application_view(request, application, "public_version")
    versions = list(application.submitted_versions.order_by("-number"))
    refusal = ""
    if request.method == "POST":
        number = id_or_none(request.POST.get("version"))
        language = request.POST.get("language", "")
        sent = next((version for version in versions if version.number == number), None)
        if sent is None or language not in PUBLIC_VERSION_LANGUAGES:
            refusal = _("Choose the version sent and the language of the public version.")
        else:
            document = services.public_version_produce(
                application=application, sent=sent, language=language, acting_user=request.user
            )
            return file_download(document, name=document.name, kind="pdf")
    language = language_code()
    labels = {
        item.id: item.label.in_language(language) for item, _group in application.form.parsed.elements()
    }
    return render(
        request,
        "applications/public_version.html",
        workspace_context(
            request,
            application,
            versions=versions,
            marked_answers=[
                (labels.get(question_id, question_id), reason)
                for question_id, reason in application.secret_answers.items()
            ],
            marked_files=[file for file in application.attachments.all() if file.secret_reason],
            productions=selectors.public_version_productions(application=application),
            refusal=refusal,
        ),
        status=422 if refusal else 200,
    )


def _save_co_implementer(request, application, save, *, co_implementer=None):
    form = CoImplementerForm(request.POST)
    if form.is_valid():
        try:
            saved = save(**form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": saved.name})
            return redirect(reverse("applications:edit", args=[application.pk]) + "#co-implementers-heading")
    return _co_implementer_page(request, application, form, co_implementer=co_implementer, status=422)


@login_required
def co_implementer_add(request, pk):
    """Name a co-implementer of the joint project, with its part of the budget."""
    application = _joint_application(request, pk)
    if not _editable(application):
        return redirect("applications:edit", pk=application.pk)
    if request.method != "POST":
        return _co_implementer_page(request, application, CoImplementerForm())
    return _save_co_implementer(
        request,
        application,
        lambda **fields: services.co_implementer_add(
            application=application, acting_user=request.user, **fields
        ),
    )


@login_required
def co_implementer_change(request, pk, co_implementer_pk):
    application = _joint_application(request, pk)
    co_implementer = get_object_or_404(application.co_implementers.all(), pk=co_implementer_pk)
    if not _editable(application):
        return redirect("applications:edit", pk=application.pk)
    if request.method != "POST":
        return _co_implementer_page(
            request,
            application,
            CoImplementerForm(initial=CoImplementerForm.initial_of(co_implementer)),
            co_implementer=co_implementer,
        )
    return _save_co_implementer(
        request,
        application,
        lambda **fields: services.co_implementer_change(
            co_implementer=co_implementer, acting_user=request.user, **fields
        ),
        co_implementer=co_implementer,
    )


@login_required
@require_POST
def co_implementer_remove(request, pk, co_implementer_pk):
    application = _joint_application(request, pk)
    co_implementer = get_object_or_404(application.co_implementers.all(), pk=co_implementer_pk)
    back = reverse("applications:edit", args=[application.pk])
    asking = unconfirmed(
        request,
        Confirmation(
            question=_("Remove %(name)s from the co-implementers?") % {"name": co_implementer.name},
            consequences=[_("Its part of the budget leaves the application with it.")],
            action=_("Remove the co-implementer"),
            cancel_url=back,
        ),
    )
    if asking:
        return asking
    perform(
        request,
        lambda: services.co_implementer_remove(co_implementer=co_implementer, acting_user=request.user),
        _("%(name)s has been removed from the co-implementers.") % {"name": co_implementer.name},
    )
    return redirect(back + "#co-implementers-heading")
