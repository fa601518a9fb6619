"""The pages of the grant's life: publishing a call's decisions and its progress, change requests (the recipient
asks, the presenter decides each part) and the change decisions both read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from avustamo.applications.workspace import official_application
from avustamo.core.audit import audit
from avustamo.core.confirmation import Confirmation, unconfirmed
from avustamo.core.downloads import file_download
from avustamo.core.feedback import perform
from avustamo.core.forms import add_service_errors
from avustamo.core.notices import notice_opened
from avustamo.core.views import stored_pdf
from avustamo.decisions.views import own_published_decision
from avustamo.grants import selectors, services
from avustamo.grants.forms import ChangePartDecisionForm, ChangeRequestForm, OnwardTransferAgreementForm
from avustamo.grants.models import ChangeRequest
from avustamo.organisations.authority_views import confirm_right_to_act
from avustamo.programmes.views import permitted_call


def own_grant(request, pk: int):
    """The grant of the signed-in member's own published decision, else 404: nobody learns of others' grants."""
    grant = selectors.grant_of_application(own_published_decision(request, pk).application)
    if grant is None:
        raise Http404
    return grant


@login_required
def change_request_new(request, pk):
    """The recipient's change request: a later end of the period of use, money moved, or new content."""
    grant = own_grant(request, pk)
    form = ChangeRequestForm(request.POST or None, costs_in_force=selectors.approved_budget(grant).costs)
    status = 200
    if request.method == "POST":
        refused = (
            confirm_right_to_act(
                request, grant.application.organisation, back_to=request.get_full_path(), draft_kept=False
            )
            if form.is_valid()
            else None
        )
        if refused is not None:
            return refused
        if form.is_valid():
            try:
                services.change_request_submit(grant=grant, **form.service_values(), acting_user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The change request has been sent. The presenter decides each part of it.")
                )
                return redirect("applications:decision", pk=pk)
        status = 400
    start, end = selectors.period_in_force(grant)
    context = {
        "grant": grant,
        "application": grant.application,
        "form": form,
        "period_start": start,
        "period_end": end,
        "extension_deadline": selectors.extension_deadline(grant),
        "open_request": selectors.open_change_request(grant),
    }
    return render(request, "grants/change_request_form.html", context, status=status)


def _official_change_request(request, pk) -> ChangeRequest:
    change_request = selectors.change_request(pk)
    if change_request is None:
        raise Http404
    official_application(request, change_request.grant.application_id, "decisions.read_decision_as_official")
    return change_request


@login_required
def change_request_detail(request, pk):
    """A change request for officials; its presenter decides the parts here, one form each."""
    change_request = _official_change_request(request, pk)
    grant = change_request.grant
    may_decide = request.user.has_perm("decisions.decide_change_request", grant.decision)
    parts = list(change_request.parts.select_related("decided_by"))
    forms = {part.pk: ChangePartDecisionForm(part=part) for part in parts if not part.is_decided}
    status = 200
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        part = next((part for part in parts if str(part.pk) == request.POST.get("part")), None)
        if part is None or part.is_decided:
            raise Http404
        form = ChangePartDecisionForm(request.POST, part=part)
        if form.is_valid():
            try:
                services.change_part_decide(part=part, **form.service_values(), acting_user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The decision on the part has been saved."))
                return redirect("official:change_request", pk=pk)
        forms[part.pk] = form
        status = 400
    context = {
        "change_request": change_request,
        "grant": grant,
        "application": grant.application,
        "parts": [(part, forms.get(part.pk)) for part in parts],
        "may_decide": may_decide,
    }
    return render(request, "grants/change_request.html", context, status=status)


def _change_decision_response(change_request: ChangeRequest):
    """The stored change decision; 404 until the task worker has made it."""
    number = change_request.grant.application.register_number.replace("/", "-")
    return stored_pdf(change_request.document, f"{number}-change-{change_request.pk}.pdf")


@login_required
def change_decision_document(request, pk):
    change_request = _official_change_request(request, pk)
    audit(
        acting_user=request.user,
        action="change_request.document_viewed",
        target=change_request.grant.application,
        change_request=change_request.pk,
    )
    return _change_decision_response(change_request)


@login_required
def my_change_decision_document(request, pk, request_pk):
    grant = own_grant(request, pk)
    change_request = grant.change_requests.filter(pk=request_pk).first()
    if change_request is None:
        raise Http404
    response = _change_decision_response(change_request)
    notice_opened(change_request, organisation=grant.application.organisation, acting_user=request.user)
    return response


@login_required
@require_POST
def call_publish(request, pk):
    call = permitted_call(request, pk, "decisions.publish_decisions")
    signed = selectors.signed_decision_count(call)
    if signed:
        asking = unconfirmed(
            request,
            Confirmation(
                question=ngettext(
                    "Publish %(count)s signed decision?", "Publish %(count)s signed decisions?", signed
                )
                % {"count": signed},
                consequences=[
                    _(
                        "Each applicant is notified and finds the decision in the service; one who has agreed to "
                        "electronic notification is notified by email."
                    ),
                    _("The grants awarded appear in the public register."),
                    _("Publishing cannot be undone: a published decision is changed only by a new decision."),
                ],
                action=_("Publish the decisions"),
                cancel_url=reverse("official:handling_list", args=[call.pk]),
            ),
        )
        if asking:
            return asking
    perform(
        request,
        lambda: services.decisions_publish(call=call, acting_user=request.user),
        _("Publishing has started; the progress shows below."),
    )
    return redirect("official:handling_list", pk=call.pk)


@login_required
@require_POST
def call_publication_resume(request, pk):
    """Resume the call's stalled publication (its worker was killed)."""
    call = permitted_call(request, pk, "decisions.publish_decisions")
    run = call.publication_runs.first()
    if run is None:
        raise Http404
    perform(
        request,
        lambda: services.publication_run_resume(run=run, acting_user=request.user),
        _("Publishing has been resumed: the decisions not yet published are published now."),
    )
    return redirect("official:handling_list", pk=call.pk)


@login_required
def call_publication_progress(request, pk):
    call = permitted_call(request, pk, "reviews.view_handling_list")
    return render(
        request,
        "grants/includes/publication_progress.html",
        {
            "call": call,
            "run": call.publication_runs.first(),
            "may_publish": request.user.has_perm("decisions.publish_decisions", call),
        },
    )


@login_required
@require_POST
def onward_transfer_agreement_record(request, pk, co_implementer_pk):
    """An official records the written agreement with one co-implementer of the grant's joint project."""
    application = official_application(request, pk, "decisions.read_decision_as_official")
    grant = selectors.grant_of_application(application)
    if grant is None:
        raise Http404
    if not request.user.has_perm("grants.record_onward_transfer_agreement", grant.decision):
        raise PermissionDenied
    co_implementer = get_object_or_404(application.co_implementers.all(), pk=co_implementer_pk)
    form = OnwardTransferAgreementForm(request.POST, request.FILES)
    back = reverse("official:application_decision", args=[application.pk]) + "#agreements-heading"
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect(back)
    perform(
        request,
        lambda: services.onward_transfer_agreement_record(
            grant=grant,
            co_implementer=co_implementer,
            signed_on=form.cleaned_data["signed_on"],
            document=form.cleaned_data["document"],
            acting_user=request.user,
        ),
        _("The agreement with %(name)s is on file.") % {"name": co_implementer.name},
    )
    return redirect(back)


@login_required
def onward_transfer_agreement_document(request, pk):
    agreement = selectors.onward_transfer_agreement(pk)
    if agreement is None:
        raise Http404
    if not request.user.has_perm("grants.read_onward_transfer_agreement", agreement.grant.decision):
        raise PermissionDenied
    audit(
        acting_user=request.user,
        action="grant.onward_transfer_agreement_viewed",
        target=agreement.grant.application,
        co_implementer=agreement.co_implementer.business_id,
    )
    return file_download(agreement.document, name=agreement.document_name, kind=agreement.document_kind)
