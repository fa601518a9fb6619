"""Officials' pages for proposals, decisions and publication, and the applicant's view of their decision."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.accounts.models import StaffRole, User
from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.feedback import perform
from avustamo.core.forms import add_service_errors
from avustamo.decisions import selectors, services
from avustamo.decisions.documents import decision_pdf
from avustamo.decisions.forms import (
    AllocationForm,
    ChangePartDecisionForm,
    ChangeRequestForm,
    DecisionForm,
    ProposalForm,
    ReturnForm,
    SendForSigningForm,
)
from avustamo.decisions.models import ChangeRequest, Decision, DecisionStatus
from avustamo.payments.forms import (
    AcceptGrantForm,
    DeclineGrantForm,
    PaymentApplicationDecisionForm,
    PaymentApplicationForm,
    ReturnClaimForm,
    ReturnReceivedForm,
)
from avustamo.payments.selectors import (
    grant_of_application,
    instalments_of,
    ledger_of,
    payment_applications_of,
    recovery_limit,
    return_claims_of,
)
from avustamo.payments.services import arrears_left
from avustamo.programmes.models import Call
from avustamo.reports.selectors import reports_due
from avustamo.reviews.views import _context, official_application


def _decision_makers():
    return User.objects.filter(
        is_active=True, is_staff=True, role_grants__role=StaffRole.DECISION_MAKER
    ).order_by("full_name")


@login_required
def application_decision(request, pk):
    application = official_application(request, pk, "decisions.read_decision_as_official")
    user = request.user
    may_present = user.has_perm("decisions.draft_decision", application)
    if not (may_present or user.has_perm("decisions.read_decision_as_official", application)):
        raise PermissionDenied
    decisions = list(application.decisions.select_related("presenter", "decision_maker", "corrects"))
    draft = next(
        (d for d in decisions if d.status in (DecisionStatus.DRAFT, DecisionStatus.FOR_SIGNING)), None
    )
    proposal = getattr(application, "proposal", None)
    proposal_form = ProposalForm(
        prefix="proposal",
        initial={
            "amount": proposal.amount if proposal else application.requested_amount,
            "eligible_costs": proposal.eligible_costs if proposal else application.total_eligible_costs,
            "max_share_percent": proposal.max_share_percent
            if proposal
            else application.call.max_share_percent,
        },
    )
    decision_form = DecisionForm(
        prefix="decision",
        initial=DecisionForm.initial_from(draft.terms() if draft else selectors.draft_defaults(application)),
    )
    if request.method == "POST":
        if not may_present:
            raise PermissionDenied
        if request.POST.get("step") == "proposal":
            proposal_form = ProposalForm(request.POST, prefix="proposal")
            if proposal_form.is_valid():
                try:
                    services.proposal_set(
                        application=application, acting_user=user, **proposal_form.cleaned_data
                    )
                except ValidationError as error:
                    add_service_errors(proposal_form, error)
                else:
                    messages.success(request, _("The proposal has been saved."))
                    return redirect("official:application_decision", pk=application.pk)
        else:
            decision_form = DecisionForm(request.POST, prefix="decision")
            if decision_form.is_valid():
                try:
                    services.decision_save_draft(
                        application=application,
                        terms=services.DecisionTerms(**decision_form.service_values()),
                        acting_user=user,
                    )
                except ValidationError as error:
                    add_service_errors(decision_form, error)
                else:
                    messages.success(request, _("The draft decision has been saved."))
                    return redirect("official:application_decision", pk=application.pk)
    money = grant_money(application)
    return render(
        request,
        "decisions/application_decision.html",
        _context(
            request,
            application,
            proposal=proposal,
            proposal_form=proposal_form,
            decision_form=decision_form,
            decisions=decisions,
            draft=draft,
            missing=services.missing_elements(draft) if draft else [],
            may_present=may_present,
            may_sign=user.has_perm("decisions.sign_decision", draft)
            and draft is not None
            and draft.status == DecisionStatus.FOR_SIGNING
            and draft.decision_maker_id == user.pk,
            send_form=SendForSigningForm(decision_makers=_decision_makers().exclude(pk=user.pk)),
            return_form=ReturnForm(),
            **money,
            may_decide_payments=money["grant"] is not None
            and user.has_perm("payments.decide_payment_application", money["grant"].decision),
            may_claim_return=money["grant"] is not None
            and user.has_perm("payments.claim_return", money["grant"].decision),
        ),
    )


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
    form = SendForSigningForm(request.POST, decision_makers=_decision_makers())
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
        return FileResponse(
            stored.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
        )
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


def _call(request, pk, permission) -> Call:
    call = get_object_or_404(Call, pk=pk)
    if not request.user.has_perm(permission, call):
        raise PermissionDenied
    return call


@login_required
@require_POST
def call_allocation(request, pk):
    call = _call(request, pk, "decisions.propose_funding")
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


@login_required
@require_POST
def call_publish(request, pk):
    call = _call(request, pk, "decisions.publish_decisions")
    perform(
        request,
        lambda: services.decisions_publish(call=call, acting_user=request.user),
        _("Publishing has started; the progress shows below."),
    )
    return redirect("official:handling_list", pk=call.pk)


@login_required
def call_publication_progress(request, pk):
    call = _call(request, pk, "reviews.view_handling_list")
    return render(
        request,
        "decisions/includes/publication_progress.html",
        {"call": call, "run": call.publication_runs.first()},
    )


# --- The applicant's decision --------------------------------------------------------------------------------


def _own_decision(request, pk) -> Decision:
    decision = selectors.published_decision(application_pk=pk)
    if decision is None or not request.user.has_perm("decisions.read_own_decision", decision):
        raise Http404
    return decision


def grant_money(application) -> dict:
    """The application's grant, its instalments and its ledger, for the pages that show them."""
    grant = grant_of_application(application)
    if grant is None:
        return {"grant": None}
    limit = recovery_limit(grant)
    return {
        "grant": grant,
        "instalments": instalments_of(grant),
        "ledger": ledger_of(grant),
        "payment_applications": payment_applications_of(grant),
        "arrears_left": arrears_left(grant) if grant.may_be_paid else Decimal("0"),
        "payment_form": PaymentApplicationForm(),
        "payment_decision_form": PaymentApplicationDecisionForm(),
        "return_claims": return_claims_of(grant),
        "recovery_limit": limit,
        "recovery_warns": limit is not None and limit.warns(helsinki_today()),
        "return_claim_form": ReturnClaimForm(),
        "received_form": ReturnReceivedForm(),
        "due_reports": reports_due(grant),
    }


def my_decision_context(decision: Decision) -> dict:
    """What the recipient's decision page shows: the decision, the grant to accept or decline and its payments."""
    return {
        "decision": decision,
        "application": decision.application,
        **grant_money(decision.application),
        "accept_form": AcceptGrantForm(),
        "decline_form": DeclineGrantForm(),
    }


@login_required
def my_decision(request, pk):
    return render(request, "decisions/my_decision.html", my_decision_context(_own_decision(request, pk)))


@login_required
def my_decision_document(request, pk, language):
    decision = _own_decision(request, pk)
    if language not in (decision.language, "en"):
        raise Http404
    return _pdf_response(decision, language)


# --- Change requests and change decisions ----------------------------------------------------------------------


def _own_grant(request, pk):
    """The grant of the signed-in member's own published decision, else 404."""
    grant = grant_of_application(_own_decision(request, pk).application)
    if grant is None:
        raise Http404
    return grant


@login_required
def change_request_new(request, pk):
    """The recipient's change request: a later end of the period of use, money moved, or new content."""
    grant = _own_grant(request, pk)
    form = ChangeRequestForm(request.POST or None, costs_in_force=selectors.approved_budget(grant).costs)
    status = 200
    if request.method == "POST":
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
    return render(request, "decisions/change_request_form.html", context, status=status)


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
    return render(request, "decisions/change_request.html", context, status=status)


def _change_decision_response(change_request: ChangeRequest):
    """The stored change decision; 404 until the task worker has made it."""
    if not change_request.document:
        raise Http404
    number = change_request.grant.application.register_number.replace("/", "-")
    return FileResponse(
        change_request.document.open("rb"),
        as_attachment=True,
        filename=f"{number}-change-{change_request.pk}.pdf",
        content_type="application/pdf",
    )


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
    change_request = _own_grant(request, pk).change_requests.filter(pk=request_pk).first()
    if change_request is None:
        raise Http404
    return _change_decision_response(change_request)
