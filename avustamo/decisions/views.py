"""Officials' pages for proposals, decisions and publication, and the applicant's view of their decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.applications.workspace import official_application
from avustamo.core.audit import audit
from avustamo.core.confirmation import Confirmation, unconfirmed
from avustamo.core.dates import format_day, helsinki_today
from avustamo.core.downloads import file_download
from avustamo.core.feedback import perform
from avustamo.core.notices import notice_opened
from avustamo.decisions import selectors, services
from avustamo.decisions.documents import decision_pdf
from avustamo.decisions.forms import (
    AllocationForm,
    ReturnForm,
    SendForSigningForm,
)
from avustamo.decisions.models import Decision, DecisionStatus
from avustamo.programmes.views import permitted_call


def _decision(request, pk) -> Decision:
    decision = (
        Decision.objects.select_related("application__call", "presenter", "decision_maker")
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise Http404
    official_application(request, decision.application_id, "decisions.read_decision_as_official")
    return decision


@login_required
@require_POST
def decision_send(request, pk):
    decision = _decision(request, pk)
    form = SendForSigningForm(request.POST, decision_makers=selectors.decision_makers())
    if form.is_valid():
        perform(
            request,
            lambda: services.decision_send_for_signing(
                decision=decision,
                decision_maker=form.cleaned_data["decision_maker"],
                acting_user=request.user,
            ),
            _("The decision has been sent for signing."),
        )
    else:
        messages.error(request, _("Choose a decision maker."))
    return redirect("official:application_decision", pk=decision.application_id)


@login_required
@require_POST
def decision_return(request, pk):
    decision = _decision(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        perform(
            request,
            lambda: services.decision_return(
                decision=decision, reason=form.cleaned_data["reason"], acting_user=request.user
            ),
            _("The decision has been returned to the presenter."),
        )
    else:
        messages.error(request, _("Say why the decision is returned."))
    return redirect("official:application_decision", pk=decision.application_id)


@login_required
@require_POST
def decision_sign(request, pk):
    decision = _decision(request, pk)
    if decision.status == DecisionStatus.FOR_SIGNING and decision.decision_maker_id == request.user.pk:
        asking = unconfirmed(
            request,
            Confirmation(
                question=_("Sign the decision on %(number)s?")
                % {"number": decision.application.register_number},
                consequences=[
                    _(
                        "The decision is dated today, %(day)s, and is final: a mistake is put right only by a new "
                        "decision correcting it."
                    )
                    % {"day": format_day(helsinki_today())},
                    _(
                        "It is published to the applicant with the call's other decisions, and the time to "
                        "request a review runs from its notification."
                    ),
                ],
                action=_("Sign the decision"),
                cancel_url=reverse("official:application_decision", args=[decision.application_id]),
            ),
        )
        if asking:
            return asking
    try:
        services.decision_sign(decision=decision, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The decision has been signed."))
    return redirect("official:application_decision", pk=decision.application_id)


@login_required
@require_POST
def decision_correct(request, pk):
    decision = _decision(request, pk)
    perform(
        request,
        lambda: services.decision_correct(decision=decision, acting_user=request.user),
        _(
            "A correction has been started as a new draft; the signed decision stays as it is until it is replaced."
        ),
    )
    return redirect("official:application_decision", pk=decision.application_id)


@login_required
def decision_document(request, pk, language):
    """The decision as a PDF: the stored document once published, otherwise rendered now as a draft."""
    decision = _decision(request, pk)
    if language not in ("fi", "sv", "en"):
        raise Http404
    audit(
        acting_user=request.user,
        action="decision.document_viewed",
        target=decision.application,
        language=language,
    )
    return _pdf_response(decision, language)


def _pdf_response(decision: Decision, language: str):
    stored = decision.courtesy_document if language == "en" else decision.document
    name = f"{decision.application.register_number.replace('/', '-')}-{language}.pdf"
    if (
        decision.status == DecisionStatus.PUBLISHED
        and stored
        and (language == "en" or language == decision.language)
    ):
        return file_download(stored, name=name, kind="pdf")
    response = HttpResponse(decision_pdf(decision, language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def decisions_for_signing(request):
    if not request.user.has_perm("decisions.sign_decision"):
        raise PermissionDenied
    return render(
        request,
        "decisions/for_signing.html",
        {"decisions": selectors.decisions_waiting_for(request.user)},
    )


@login_required
@require_POST
def call_allocation(request, pk):
    call = permitted_call(request, pk, "decisions.propose_funding")
    form = AllocationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the minimum score as a number from 1 to 5."))
    else:
        perform(
            request,
            lambda: services.allocation_suggest(
                call=call, min_score=form.cleaned_data["min_score"], acting_user=request.user
            ),
            lambda proposals: (
                _("Proposals were suggested for %(count)s applications in ranking order.")
                % {"count": len(proposals)}
            ),
        )
    return redirect("official:handling_list", pk=call.pk)


# --- The applicant's decision --------------------------------------------------------------------------------


def own_published_decision(request, pk) -> Decision:
    decision = selectors.published_decision(application_pk=pk)
    if decision is None or not request.user.has_perm("decisions.read_own_decision", decision):
        raise Http404
    return decision


@login_required
def my_decision_document(request, pk, language):
    decision = own_published_decision(request, pk)
    if language not in (decision.language, "en"):
        raise Http404
    notice_opened(decision, organisation=decision.application.organisation, acting_user=request.user)
    return _pdf_response(decision, language)


# --- Change requests and change decisions ----------------------------------------------------------------------
