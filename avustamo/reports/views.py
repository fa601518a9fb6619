"""Pages of reports: the recipient writes and sends a report the decision asks for; officials review it."""

import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.applications.answers import parse_post
from avustamo.applications.joint import figures_of
from avustamo.applications.models import CoImplementer
from avustamo.core.confirmation import unconfirmed_file_removal
from avustamo.core.downloads import file_download
from avustamo.core.forms import add_service_errors
from avustamo.core.notices import notice_opened
from avustamo.core.translation import language_code
from avustamo.core.views import stored_pdf
from avustamo.grants.models import Grant
from avustamo.grants.selectors import approved_budget
from avustamo.organisations.authority_views import confirm_right_to_act
from avustamo.payments.services import settlement_of
from avustamo.programmes.application_form.budget import COST_CATEGORIES, FINANCING_LINES
from avustamo.programmes.application_form.presentation import present
from avustamo.programmes.application_form.schema import REPORT_FACTS, Attachment
from avustamo.programmes.application_form.standard import standard_report_definition
from avustamo.programmes.builder_views import BuilderTarget, form_builder, form_draft_export
from avustamo.programmes.forms import CallFormDefinitionForm
from avustamo.programmes.models import Call
from avustamo.programmes.views import form_preview_context
from avustamo.reports import selectors, services
from avustamo.reports.co_implementers import JointReport, joint_report, part_notes
from avustamo.reports.forms import (
    CoImplementerInviteForm,
    CoImplementerPartForm,
    CompletionRequestForm,
    ContentApprovalForm,
    FinancesApprovalForm,
    ReportStartForm,
)
from avustamo.reports.models import (
    CoImplementerInvitation,
    Report,
    ReportAttachment,
    ReportKind,
    ReportStatus,
)
from avustamo.reports.tasks import settlement_decision_file_name


def _own_grant(request, application_pk) -> Grant:
    grant = (
        Grant.objects.filter(application_id=application_pk).select_related("application", "decision").first()
    )
    if grant is None or not request.user.has_perm("reports.write_report", grant):
        raise Http404
    return grant


def _own_report(request, application_pk, report_pk) -> Report:
    grant = _own_grant(request, application_pk)
    return get_object_or_404(
        Report.objects.select_related("form", "grant__application__call"), pk=report_pk, grant=grant
    )


@login_required
@require_POST
def report_start(request, pk):
    grant = _own_grant(request, pk)
    form = ReportStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The decision asks for no such report."))
        return redirect("applications:decision", pk=pk)
    try:
        report = services.report_start(grant=grant, **form.cleaned_data, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("applications:decision", pk=pk)
    return redirect("applications:report", pk=pk, report_pk=report.pk)


def comparison(report: Report, joint: JointReport) -> list[dict]:
    """The approved budget beside the costs the report gives, category by category; in a joint project both are
    the whole project's (the lead's approved budget and the co-implementers' parts of the application)."""
    approved_lead = approved_budget(report.grant)
    planned_by_co_implementers = joint.planned_co_implementer_costs
    approved = {key: approved_lead.costs[key] + planned_by_co_implementers[key] for key in COST_CATEGORIES}
    actual = joint.whole
    rows = [
        {
            "label": label,
            "approved": approved[key],
            "actual": actual.costs[key],
            "difference": actual.costs[key] - approved[key],
        }
        for key, label in COST_CATEGORIES.items()
    ]
    approved_total = sum(approved.values())
    rows.append(
        {
            "label": _("Total eligible costs"),
            "approved": approved_total,
            "actual": actual.total_eligible_costs,
            "difference": actual.total_eligible_costs - approved_total,
            "total": True,
        }
    )
    return rows


def _co_implementer_context(report: Report, joint: JointReport, *, for_lead: bool) -> dict:
    """The co-implementers' parts for the report pages: the breakdown, the notes on it and, for the lead, the
    invitations in use or waiting (one statement)."""
    if not joint.is_joint:
        return {"joint": None}
    context = {"joint": joint, "co_implementer_notes": part_notes(report.grant.application.call, joint)}
    if for_lead:
        invitations = {}
        for invitation in report.co_implementer_invitations.filter(revoked_at__isnull=True).order_by(
            "created_at", "pk"
        ):
            if invitation.accepted_at is not None or invitation.is_pending:
                invitations.setdefault(invitation.co_implementer_id, []).append(invitation)
        context["co_implementer_invitations"] = [
            (part, invitations.get(part.co_implementer.pk, [])) for part in joint.parts
        ]
    return context


def _report_context(report: Report, *, answers=None, errors=None, for_lead=True) -> dict:
    definition = report.form.parsed
    joint = joint_report(report)
    return {
        "report": report,
        "grant": report.grant,
        "application": report.grant.application,
        "sections": present(
            definition,
            language_code(),
            answers=report.answers if answers is None else answers,
            errors=errors or {},
        ),
        "attachment_questions": [
            (item.id, item.label.in_language(language_code()))
            for item, _group in definition.elements()
            if isinstance(item, Attachment)
        ],
        "attachments": report.attachments.all(),
        "completion_request": selectors.open_completion_request(report),
        "comparison": comparison(report, joint),
        # The budget block of a report asks for actual figures; no grant is applied for in it.
        "report_form": True,
        **_co_implementer_context(report, joint, for_lead=for_lead),
    }


@login_required
def report_edit(request, pk, report_pk):
    report = _own_report(request, pk, report_pk)
    editable = report.status in services.EDITABLE
    if request.method != "POST" or not editable:
        return render(request, "reports/report.html", _report_context(report) | {"editable": editable})
    answers = parse_post(report.form.parsed, request.POST)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        report = services.report_save(
            report=report, answers=answers, version=version, acting_user=request.user
        )
        for question_id, upload in request.FILES.items():
            services.report_attachment_add(
                report=report,
                question_id=question_id.removeprefix("question-"),
                upload=upload,
                acting_user=request.user,
            )
    except ValidationError as error:
        errors = (
            {field: " ".join(texts) for field, texts in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {}
        )
        problems = [{"field": field, "message": text} for field, text in errors.items()] or [
            {"field": "", "message": text} for text in error.messages
        ]
        context = _report_context(report, answers=answers, errors=errors)
        return render(
            request, "reports/report.html", context | {"editable": True, "problems": problems}, status=400
        )
    if request.POST.get("action") != "submit":
        messages.success(request, _("The report has been saved."))
        return redirect("applications:report", pk=pk, report_pk=report.pk)
    refused = confirm_right_to_act(
        request, report.grant.application.organisation, back_to=request.get_full_path()
    )
    if refused is not None:
        return refused
    try:
        services.report_submit(report=report, acting_user=request.user)
    except ValidationError as refusal:
        problems = services.submission_problems(report) or [
            {"field": "", "message": message} for message in refusal.messages
        ]
        errors = {problem["field"]: problem["message"] for problem in problems}
        context = _report_context(report, errors=errors)
        return render(
            request, "reports/report.html", context | {"editable": True, "problems": problems}, status=400
        )
    messages.success(
        request, _("The report has been sent. The ministry will tell you when it has been reviewed.")
    )
    return redirect("applications:decision", pk=pk)


@login_required
@require_POST
def report_attachment_remove(request, pk, report_pk, attachment_pk):
    report = _own_report(request, pk, report_pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report=report)
    asking = unconfirmed_file_removal(
        request,
        name=attachment.original_name,
        cancel_url=reverse("applications:report", kwargs={"pk": pk, "report_pk": report.pk}),
    )
    if asking:
        return asking
    try:
        services.report_attachment_remove(attachment=attachment, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("applications:report", pk=pk, report_pk=report.pk)


@login_required
def report_attachment(request, attachment_pk):
    attachment = get_object_or_404(
        ReportAttachment.objects.select_related("report__grant__application"), pk=attachment_pk
    )
    report = attachment.report
    if not (
        request.user.has_perm("reports.write_report", report.grant)
        or (report.is_sent and request.user.has_perm("reports.read_report_as_official", report.grant))
    ):
        raise Http404
    return file_download(attachment.file, name=attachment.original_name, kind=attachment.kind)


@login_required
def reports_for_review(request):
    if not request.user.has_perm("core.use_official_pages"):
        raise PermissionDenied
    return render(
        request, "reports/review_list.html", {"reports": selectors.reports_for_review(request.user)}
    )


def _review_context(request, report: Report, **forms) -> dict:
    step = {ReportStatus.SUBMITTED: "content", ReportStatus.CONTENT_APPROVED: "finances"}.get(report.status)
    may_review = step is not None and request.user.has_perm(f"reports.review_{step}", report.grant)
    context = _report_context(report, for_lead=False) | {"step": step if may_review else None}
    context["may_invite"] = report.status in services.EDITABLE and request.user.has_perm(
        "reports.invite_co_implementer", report.grant
    )
    if may_review:
        context["completion_form"] = forms.get("completion_form") or CompletionRequestForm()
        if step == "content":
            context["approval_form"] = forms.get("approval_form") or ContentApprovalForm()
        else:
            reported = services.reported_costs(report)
            context["approval_form"] = forms.get("approval_form") or FinancesApprovalForm(
                initial={"accepted_costs": reported}
            )
            form = context["approval_form"]
            accepted = form.cleaned_data["accepted_costs"] if form.is_bound and form.is_valid() else reported
            context["settlement"] = settlement_of(report.grant, accepted)
    return context


@login_required
def report_review(request, pk):
    report = get_object_or_404(
        Report.objects.select_related(
            "form", "grant__application__call", "grant__application__organisation", "grant__decision"
        ),
        pk=pk,
    )
    # A draft is the recipient's own until it is sent.
    if not report.is_sent or not request.user.has_perm("reports.read_report_as_official", report.grant):
        raise Http404
    if request.method != "POST":
        return render(request, "reports/review.html", _review_context(request, report))
    action = request.POST.get("action")
    forms = {}
    try:
        if action == "complete":
            forms["completion_form"] = form = CompletionRequestForm(request.POST)
            if form.is_valid():
                services.report_request_completion(
                    report=report, **form.cleaned_data, acting_user=request.user
                )
                messages.success(request, _("The recipient has been asked to complete the report."))
                return redirect("official:report_review", pk=report.pk)
        elif action == "approve" and report.status == ReportStatus.SUBMITTED:
            forms["approval_form"] = form = ContentApprovalForm(request.POST)
            if form.is_valid():
                services.report_approve_content(report=report, **form.cleaned_data, acting_user=request.user)
                messages.success(request, _("The report's content has been approved."))
                return redirect("official:report_review", pk=report.pk)
        elif action == "approve":
            forms["approval_form"] = form = FinancesApprovalForm(request.POST)
            if form.is_valid():
                services.report_approve_finances(report=report, **form.cleaned_data, acting_user=request.user)
                messages.success(request, _("The report has been approved and the grant settled."))
                return redirect("official:report_review", pk=report.pk)
        else:
            raise PermissionDenied
    except ValidationError as error:
        target = forms.get("completion_form") or forms.get("approval_form")
        if hasattr(error, "error_dict"):
            for field, texts in error.message_dict.items():
                target.add_error(field if field in target.fields else None, texts)
        else:
            target.add_error(None, error.messages)
    return render(request, "reports/review.html", _review_context(request, report, **forms), status=400)


FORM_KINDS = {"interim": ReportKind.INTERIM, "final": ReportKind.FINAL}


def _report_form_call(request, pk, kind):
    """Every official reads a call's report forms; only those who prepare calls send one (save or preview), and
    that is checked before the form is read."""
    if kind not in FORM_KINDS:
        raise Http404
    permission = "programmes.manage_calls" if request.method == "POST" else "core.use_official_pages"
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return get_object_or_404(Call, pk=pk)


@login_required
def official_report_form(request, pk, kind):
    """The call's interim or final report form, edited as JSON beside a live preview like the application form."""
    call = _report_form_call(request, pk, kind)
    current = call.report_forms.filter(kind=kind).order_by("-version").first()
    initial = json.dumps(
        current.definition if current else standard_report_definition(kind == ReportKind.FINAL),
        ensure_ascii=False,
        indent=2,
    )
    form = CallFormDefinitionForm(
        request.POST or None, request.FILES or None, initial={"definition": initial}
    )
    text, status = initial, 200
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["definition"]
        if request.POST.get("action") == "save":
            try:
                saved = services.report_form_save(
                    call=call, kind=kind, definition=text, acting_user=request.user
                )
            except ValidationError as error:
                add_service_errors(form, ValidationError({"definition": error.error_list}))
                status = 422
            else:
                messages.success(
                    request,
                    _("The report form has been saved as version %(version)s.") % {"version": saved.version},
                )
                return redirect("official:report_form", pk=call.pk, kind=kind)
    elif request.method == "POST":
        status = 422
    label = ReportKind(kind).label
    return render(
        request,
        "programmes/official_call_form_editor.html",
        {
            "call": call,
            "form": form,
            "current": current,
            "form_title": _("Report form (%(kind)s): %(title)s") % {"kind": label, "title": call.title},
            "form_explanation": _(
                "The report form is edited as JSON like the application form. Every report form must contain the "
                "standard blocks: the results (a long text) and the actual costs and funding (a budget), which are "
                "compared with the approved budget. Participants are asked as numbers only, never as personal "
                "data. Saving makes a new version; reports already started keep theirs."
            ),
            "preview_url": reverse("official:report_form_preview", args=[call.pk, kind]),
            "builder_url": reverse("official:report_form_builder", args=[call.pk, kind]),
            "export_url": reverse("official:report_form_export", args=[call.pk, kind]) if current else "",
            **form_preview_context(call, text, REPORT_FACTS),
        },
        status=status,
    )


@login_required
@require_POST
def official_report_form_preview(request, pk, kind):
    call = _report_form_call(request, pk, kind)
    return render(
        request,
        "programmes/includes/form_preview.html",
        {"call": call, **form_preview_context(call, request.POST.get("definition", ""), REPORT_FACTS)},
    )


@login_required
def official_report_form_export(request, pk, kind):
    call = _report_form_call(request, pk, kind)
    current = call.report_forms.filter(kind=kind).order_by("-version").first()
    if current is None:
        raise Http404
    response = JsonResponse(current.definition, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="{call.reference}-{kind}-report-v{current.version}.json"'
    )
    return response


def _report_form_target(request, call: Call, kind: str) -> BuilderTarget:
    current = call.report_forms.filter(kind=kind).order_by("-version").first()
    return BuilderTarget(
        call=call,
        purpose=kind,  # the report kinds are the report forms' purposes
        title=_("Report form (%(kind)s): %(title)s") % {"kind": ReportKind(kind).label, "title": call.title},
        facts=REPORT_FACTS,
        current=current,
        standard=lambda: standard_report_definition(kind == ReportKind.FINAL),
        save=lambda definition: services.report_form_save(
            call=call, kind=kind, definition=definition, acting_user=request.user
        ),
        url=reverse("official:report_form_builder", args=[call.pk, kind]),
        draft_export_url=reverse("official:report_form_draft_export", args=[call.pk, kind]),
        export_url=reverse("official:report_form_export", args=[call.pk, kind]) if current else "",
        json_url=reverse("official:report_form", args=[call.pk, kind]),
        can_change=request.user.has_perm("programmes.manage_calls"),
    )


@login_required
def official_report_form_builder(request, pk, kind):
    call = _report_form_call(request, pk, kind)
    return form_builder(request, _report_form_target(request, call, kind))


@login_required
def official_report_form_draft_export(request, pk, kind):
    call = _report_form_call(request, pk, kind)
    return form_draft_export(
        request, _report_form_target(request, call, kind), f"{call.reference}-{kind}-report-draft.json"
    )


def _settlement_decision_response(report: Report):
    """The stored settlement decision; 404 until the task has made it (or when the settlement cut nothing)."""
    return stored_pdf(report.settlement_document, settlement_decision_file_name(report))


@login_required
def settlement_decision_document(request, pk):
    report = get_object_or_404(Report.objects.select_related("grant__decision", "grant__application"), pk=pk)
    if not request.user.has_perm("reports.read_report_as_official", report.grant):
        raise Http404
    return _settlement_decision_response(report)


@login_required
def my_settlement_decision_document(request, pk, report_pk):
    report = _own_report(request, pk, report_pk)
    response = _settlement_decision_response(report)
    notice_opened(report, organisation=report.grant.application.organisation, acting_user=request.user)
    return response


# --- Joint projects: the co-implementers' parts of a report -------------------------------------------------------


def _own_report_co_implementer(request, pk, report_pk, co_implementer_pk) -> tuple[Report, CoImplementer]:
    report = _own_report(request, pk, report_pk)
    co_implementer = get_object_or_404(
        CoImplementer, pk=co_implementer_pk, application_id=report.grant.application_id
    )
    return report, co_implementer


def _saved_figures(part) -> list[tuple[str, Decimal]]:
    """A saved part as (label, amount) rows for reading: each cost category, then the own funding."""
    if part is None:
        return []
    figures = figures_of(part.costs, part.own_funding)
    return [(label, figures.costs[key]) for key, label in COST_CATEGORIES.items()] + [
        (FINANCING_LINES["own_funding"], figures.own_funding)
    ]


def _part_page(
    request, report: Report, co_implementer: CoImplementer, *, save_url: str, back_url: str, acting_for=None
):
    """The form of one co-implementer's part, for the lead and for its invited representative alike: GET shows
    it, POST saves it (refused figures are shown again with their messages, nothing saved). `acting_for`: the
    representative's own organisation, whose right to act is confirmed in e-Authorizations before the save."""
    part = report.co_implementer_parts.filter(co_implementer=co_implementer).first()
    editable = report.status in services.EDITABLE
    if request.method == "POST" and editable and acting_for is not None:
        refused = confirm_right_to_act(request, acting_for, back_to=request.path, draft_kept=False)
        if refused is not None:
            return refused
    form = CoImplementerPartForm(
        request.POST if request.method == "POST" and editable else None,
        initial=CoImplementerPartForm.initial_of(part),
    )
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                services.co_implementer_part_save(
                    report=report,
                    co_implementer=co_implementer,
                    costs=form.costs(),
                    own_funding=form.cleaned_data.get("own_funding"),
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The part of %(name)s has been saved.") % {"name": co_implementer.name}
                )
                return redirect(back_url)
        status = 400
    return render(
        request,
        "reports/co_implementer_part.html",
        {
            "report": report,
            "application": report.grant.application,
            "co_implementer": co_implementer,
            "part": part,
            "form": form,
            "saved_figures": _saved_figures(part),
            "editable": editable,
            "save_url": save_url,
            "back_url": back_url,
        },
        status=status,
    )


@login_required
def report_co_implementer_part(request, pk, report_pk, co_implementer_pk):
    """The lead's members enter a co-implementer's part of the report."""
    report, co_implementer = _own_report_co_implementer(request, pk, report_pk, co_implementer_pk)
    return _part_page(
        request,
        report,
        co_implementer,
        save_url=request.path,
        back_url=reverse("applications:report", kwargs={"pk": pk, "report_pk": report.pk}),
    )


def _invite(request, report: Report, co_implementer: CoImplementer, back_url: str):
    form = CoImplementerInviteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["email"])
        services.co_implementer_invite(
            report=report,
            co_implementer=co_implementer,
            email=form.cleaned_data["email"],
            acting_user=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation to enter the part of %(name)s has been sent to %(email)s.")
            % {"name": co_implementer.name, "email": form.cleaned_data["email"]},
        )
    return redirect(back_url)


@login_required
@require_POST
def report_co_implementer_invite(request, pk, report_pk, co_implementer_pk):
    report, co_implementer = _own_report_co_implementer(request, pk, report_pk, co_implementer_pk)
    if not request.user.has_perm("reports.invite_co_implementer", report.grant):
        raise PermissionDenied
    return _invite(
        request,
        report,
        co_implementer,
        reverse("applications:report", kwargs={"pk": pk, "report_pk": report.pk}),
    )


@login_required
@require_POST
def official_report_co_implementer_invite(request, pk, co_implementer_pk):
    """The official who reviews a report asked to be completed invites a co-implementer to enter its part."""
    report = get_object_or_404(Report.objects.select_related("grant__application"), pk=pk)
    if not report.is_sent or not request.user.has_perm("reports.read_report_as_official", report.grant):
        raise Http404
    if not request.user.has_perm("reports.invite_co_implementer", report.grant):
        raise PermissionDenied
    co_implementer = get_object_or_404(
        CoImplementer, pk=co_implementer_pk, application_id=report.grant.application_id
    )
    return _invite(request, report, co_implementer, reverse("official:report_review", args=[report.pk]))


@login_required
@require_POST
def report_co_implementer_invitation_revoke(request, pk, report_pk, invitation_pk):
    report = _own_report(request, pk, report_pk)
    invitation = get_object_or_404(CoImplementerInvitation, pk=invitation_pk, report=report)
    if not request.user.has_perm("reports.invite_co_implementer", report.grant):
        raise PermissionDenied
    services.co_implementer_invitation_revoke(invitation=invitation, acting_user=request.user)
    messages.success(request, _("The invitation to %(email)s has been ended.") % {"email": invitation.email})
    return redirect("applications:report", pk=pk, report_pk=report.pk)


@login_required
def co_implementer_invitation(request, token):
    """The invited representative opens the emailed link: what they are asked to do, and accepting it."""
    invitation = services.invitation_for_token(token)
    if invitation is None or (request.user.email or "").lower() != invitation.email.lower():
        # Only the address the invitation went to learns anything of it.
        return render(request, "reports/co_implementer_invitation.html", {"invitation": None}, status=404)
    if request.method == "POST":
        organisation = services.acting_organisation(
            co_implementer=invitation.co_implementer, person=request.user
        )
        if organisation is not None:
            refused = confirm_right_to_act(request, organisation, back_to=request.path, draft_kept=False)
            if refused is not None:
                return refused
        try:
            invitation = services.co_implementer_invitation_accept(token=token, acting_user=request.user)
        except ValidationError as error:
            return render(
                request,
                "reports/co_implementer_invitation.html",
                {"invitation": invitation, "problems": error.messages},
                status=400,
            )
        messages.success(
            request, _("You can now enter the part of %(name)s.") % {"name": invitation.co_implementer.name}
        )
        return redirect("applications:co_implementer_part", invitation_pk=invitation.pk)
    return render(request, "reports/co_implementer_invitation.html", {"invitation": invitation})


@login_required
def co_implementer_part(request, invitation_pk):
    """The invited representative's page: their co-implementer's part of the one report, nothing else of it."""
    invitation = (
        CoImplementerInvitation.objects.select_related(
            "co_implementer", "report__form", "report__grant__application__organisation"
        )
        .filter(pk=invitation_pk)
        .first()
    )
    if invitation is None or not request.user.has_perm("reports.write_co_implementer_part", invitation):
        raise Http404
    return _part_page(
        request,
        invitation.report,
        invitation.co_implementer,
        save_url=request.path,
        back_url=request.path,
        acting_for=(
            services.acting_organisation(co_implementer=invitation.co_implementer, person=request.user)
            if request.method == "POST"
            else None
        ),
    )
