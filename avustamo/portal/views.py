"""The pages that gather several apps: the front pages, the applicant's list of applications and their decision
with its grant, payments and reports, the official's handling list of a call and the decision tab of an
application. Each app's own pages stay in its `views.py`; what needs the apps above it is composed here."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.accounts.models import StaffRole
from avustamo.applications import selectors as application_selectors
from avustamo.applications.selectors import organisations_that_may_apply
from avustamo.applications.workspace import official_application, workspace_context
from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today
from avustamo.core.forms import add_service_errors
from avustamo.core.notices import acceptance_deadline, notice_of, notices_for, review_time_limit
from avustamo.core.permissions import staff_roles
from avustamo.decisions import selectors as decision_selectors
from avustamo.decisions import services as decision_services
from avustamo.decisions.de_minimis import de_minimis_sum
from avustamo.decisions.documents import decision_terms_shown
from avustamo.decisions.forms import (
    AllocationForm,
    CoImplementerSharesForm,
    DecisionForm,
    ProposalForm,
    ReturnForm,
    SendForSigningForm,
)
from avustamo.decisions.models import Decision, DecisionStatus
from avustamo.decisions.selectors import decision_makers, decisions_waiting_for
from avustamo.decisions.views import own_published_decision
from avustamo.grants import services as grant_services
from avustamo.grants.forms import AcceptGrantForm, DeclineGrantForm
from avustamo.grants.selectors import grant_of_application, onward_transfer_agreements_of
from avustamo.grants.views import own_grant
from avustamo.organisations.authority_views import confirm_right_to_act
from avustamo.organisations.selectors import pending_verifications
from avustamo.payments import services as payment_services
from avustamo.payments.forms import (
    PaymentApplicationDecisionForm,
    PaymentApplicationForm,
    ReturnClaimForm,
    ReturnReceivedForm,
    VoluntaryReturnForm,
)
from avustamo.payments.selectors import (
    instalments_of,
    ledger_of,
    payment_applications_of,
    recovery_limit,
    return_claims_of,
)
from avustamo.portal import selectors as portal_selectors
from avustamo.portal.handling_workbook import handling_workbook
from avustamo.programmes.models import CallStatus
from avustamo.programmes.selectors import programmes_with_agency, public_call, public_calls
from avustamo.programmes.views import permitted_call
from avustamo.reference.models import Region
from avustamo.register.selectors import awarded_grants_of_call
from avustamo.reports.selectors import reports_due
from avustamo.review_requests.selectors import review_requests_of
from avustamo.reviews import selectors as review_selectors
from avustamo.reviews.forms import HandlingFilterForm
from avustamo.reviews.selectors import applications_presented_by, assignments_for_reviewer

PAGE_SIZE = 100


# --- Front pages -----------------------------------------------------------------------------------------------


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "open_calls": public_calls(status=CallStatus.OPEN)[:6],
            "upcoming_calls": public_calls(status=CallStatus.UPCOMING)[:3],
        },
    )


def call_detail(request, pk):
    call = public_call(pk=pk)
    if call is None:
        raise Http404
    applying = (
        organisations_that_may_apply(person=request.user, call=call) if request.user.is_authenticated else []
    )
    return render(
        request,
        "portal/call_detail.html",
        {
            "call": call,
            "status": call.status(),
            "applying_organisations": applying,
            "grants": awarded_grants_of_call(call),
        },
    )


@login_required
def official_home(request):
    user = request.user
    if not user.has_perm("core.use_official_pages"):
        raise PermissionDenied
    closed = public_calls(status=CallStatus.CLOSED).filter(history_grants_awarded__isnull=True)
    return render(
        request,
        "portal/official_home.html",
        {
            "roles": [StaffRole(code).label for code in sorted(staff_roles(user))],
            "role_codes": staff_roles(user),
            "manages_calls": user.has_perm("programmes.manage_calls"),
            "open_calls": public_calls(status=CallStatus.OPEN),
            "handled_calls": [
                call for call in closed[:40] if user.has_perm("reviews.view_handling_list", call)
            ],
            "programmes": programmes_with_agency(),
            "presented_applications": applications_presented_by(user),
            "review_count": assignments_for_reviewer(user).filter(submitted_at__isnull=True).count(),
            "signing_count": decisions_waiting_for(user).count(),
            "verification_count": pending_verifications().count()
            if user.has_perm("organisations.verify_representation")
            else 0,
        },
    )


# --- The applicant's applications and decisions ----------------------------------------------------------


@login_required
def my_applications(request):
    return render(
        request,
        "portal/my_applications.html",
        {
            "applications": portal_selectors.applications_with_published_decisions(person=request.user),
            "open_calls": application_selectors.calls_open_to_person(person=request.user),
        },
    )


# --- The official's handling list and decision tab -------------------------------------------------------


def _filters(request, call):
    form = HandlingFilterForm(request.GET or None, regions=Region.objects.order_by("code"))
    data = form.cleaned_data if form.is_valid() else {}
    filters = portal_selectors.HandlingFilters(
        query=data.get("q", ""),
        status=data.get("status", ""),
        screening=data.get("screening", ""),
        region=data.get("region", ""),
        sort=data.get("sort") or "number",
    )
    return form, filters


@login_required
def handling_list(request, pk):
    call = permitted_call(request, pk, "reviews.view_handling_list")
    form, filters = _filters(request, call)
    totals = portal_selectors.call_totals(call)
    paginator = Paginator(portal_selectors.handling_list(call, filters), PAGE_SIZE)
    if filters.lists_every_application:
        # The totals counted them already: the paginator need not count the call again.
        paginator.count = totals.applications
    page = paginator.get_page(request.GET.get("page"))
    ranking = review_selectors.call_ranking(call)
    for application in page:
        application.rank = ranking.get(application.pk)
        application.current_decision = portal_selectors.current_decision(application)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/handling_list.html",
        {
            "call": call,
            "form": form,
            "page": page,
            "totals": totals,
            "query": query.urlencode(),
            "latest_run": call.publication_runs.first(),
            "may_propose": request.user.has_perm("decisions.propose_funding", call),
            "may_publish": request.user.has_perm("decisions.publish_decisions", call),
            "allocation_form": AllocationForm(),
            "signed_count": totals.signed_decisions,
        },
    )


@login_required
def handling_export(request, pk):
    call = permitted_call(request, pk, "reviews.view_handling_list")
    _form, filters = _filters(request, call)
    workbook = handling_workbook(
        call, portal_selectors.handling_list(call, filters), review_selectors.call_ranking(call)
    )
    audit(acting_user=request.user, action="call.handling_list_exported", target=call)
    response = HttpResponse(
        workbook, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{call.reference}-applications.xlsx"'
    return response


@login_required
def application_decision(request, pk):
    application = official_application(request, pk, "decisions.read_decision_as_official")
    user = request.user
    may_present = user.has_perm("decisions.draft_decision", application)
    if not (may_present or user.has_perm("decisions.read_decision_as_official", application)):
        raise PermissionDenied
    decisions = list(application.decisions.select_related("presenter", "decision_maker", "corrects"))
    decision_notices = notices_for(decisions)
    for decision in decisions:
        decision.notice = decision_notices.get(decision.pk)
        decision.review_until = review_time_limit(decision.notice)
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
        initial=DecisionForm.initial_from(
            draft.terms() if draft else decision_selectors.draft_defaults(application)
        ),
    )
    shares = decision_selectors.co_implementer_shares_of(draft) if draft else None
    shares_form = (
        CoImplementerSharesForm(
            prefix="shares",
            co_implementers=shares.co_implementers,
            initial={f"share-{pk}": amount for pk, amount in shares.suggested.items()},
        )
        if shares
        else None
    )
    if request.method == "POST":
        if not may_present:
            raise PermissionDenied
        if request.POST.get("step") == "co_implementer_shares" and shares is not None:
            shares_form = CoImplementerSharesForm(
                request.POST, prefix="shares", co_implementers=shares.co_implementers
            )
            if shares_form.is_valid():
                try:
                    decision_services.decision_co_implementer_shares_set(
                        decision=draft, shares=shares_form.shares(), acting_user=user
                    )
                except ValidationError as error:
                    add_service_errors(shares_form, error)
                else:
                    messages.success(request, _("The shares passed on to co-implementers have been saved."))
                    return redirect("official:application_decision", pk=application.pk)
        elif request.POST.get("step") == "proposal":
            proposal_form = ProposalForm(request.POST, prefix="proposal")
            if proposal_form.is_valid():
                try:
                    decision_services.proposal_set(
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
                    decision_services.decision_save_draft(
                        application=application,
                        terms=decision_services.DecisionTerms(**decision_form.service_values()),
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
        "portal/application_decision.html",
        workspace_context(
            request,
            application,
            proposal=proposal,
            proposal_form=proposal_form,
            decision_form=decision_form,
            decisions=decisions,
            draft=draft,
            missing=decision_services.missing_elements(draft) if draft else [],
            draft_terms=decision_terms_shown(draft) if draft else None,
            shares=shares,
            shares_form=shares_form,
            may_present=may_present,
            may_sign=user.has_perm("decisions.sign_decision", draft)
            and draft is not None
            and draft.status == DecisionStatus.FOR_SIGNING
            and draft.decision_maker_id == user.pk,
            send_form=SendForSigningForm(decision_makers=decision_makers().exclude(pk=user.pk)),
            return_form=ReturnForm(),
            **money,
            may_decide_payments=money["grant"] is not None
            and user.has_perm("payments.decide_payment_application", money["grant"].decision),
            may_claim_return=money["grant"] is not None
            and user.has_perm("payments.claim_return", money["grant"].decision),
            review_requests=list(review_requests_of(application)),
            de_minimis=de_minimis_sum(application, Decimal(0), helsinki_today())
            if application.call.is_de_minimis
            else None,
            agreements=onward_transfer_agreements_of(money["grant"]) if money["grant"] else [],
            may_record_agreements=money["grant"] is not None
            and user.has_perm("grants.record_onward_transfer_agreement", money["grant"].decision),
            may_register_review_request=user.has_perm("review_requests.register_review_request", application),
        ),
    )


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
        "arrears_left": payment_services.arrears_left(grant) if grant.may_be_paid else Decimal("0"),
        "payment_form": PaymentApplicationForm(),
        "payment_decision_form": PaymentApplicationDecisionForm(),
        "return_claims": return_claims_of(grant),
        "recovery_limit": limit,
        "recovery_warns": limit is not None and limit.warns(helsinki_today()),
        "return_claim_form": ReturnClaimForm(),
        "received_form": ReturnReceivedForm(),
        "due_reports": reports_due(grant),
    }


# --- The applicant's decision with its grant, payments and returns -----------------------------------------


def my_decision_context(decision: Decision) -> dict:
    """What the recipient's decision page shows: the decision, the grant to accept or decline and its payments."""
    notice = notice_of(decision)
    return {
        "decision": decision,
        "application": decision.application,
        "notice": notice,
        "review_until": review_time_limit(notice),
        "accept_by": acceptance_deadline(notice, decision.application.call),
        "review_requests": list(review_requests_of(decision.application)),
        **grant_money(decision.application),
        "accept_form": AcceptGrantForm(),
        "decline_form": DeclineGrantForm(),
    }


@login_required
def my_decision(request, pk):
    return render(
        request, "portal/my_decision.html", my_decision_context(own_published_decision(request, pk))
    )


def _confirm_right_to_act_for(request, grant, pk: int):
    """Before the recipient acts on its decision page: where e-Authorizations answers for the organisation, ask it
    again (a short form is not kept across that detour, and the message says so)."""
    return confirm_right_to_act(
        request,
        grant.application.organisation,
        back_to=reverse("applications:decision", args=[pk]),
        draft_kept=False,
    )


def _decision_page(request, grant, accept_form, decline_form, status: int):
    context = my_decision_context(grant.decision) | {"accept_form": accept_form, "decline_form": decline_form}
    return render(request, "portal/my_decision.html", context, status=status)


@login_required
@require_POST
def grant_accept(request, pk: int):
    grant = own_grant(request, pk)
    form = AcceptGrantForm(request.POST)
    if form.is_valid():
        if (refused := _confirm_right_to_act_for(request, grant, pk)) is not None:
            return refused
        try:
            grant_services.grant_accept(grant=grant, acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("You have accepted the terms. The grant can now be paid as the decision says.")
            )
            return redirect("applications:decision", pk=pk)
    return _decision_page(request, grant, form, DeclineGrantForm(), status=400)


@login_required
@require_POST
def grant_decline(request, pk: int):
    grant = own_grant(request, pk)
    form = DeclineGrantForm(request.POST)
    if form.is_valid():
        if (refused := _confirm_right_to_act_for(request, grant, pk)) is not None:
            return refused
        try:
            grant_services.grant_decline(
                grant=grant, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("You have declined the grant. The presenter of the decision has been told.")
            )
            return redirect("applications:decision", pk=pk)
    return _decision_page(request, grant, AcceptGrantForm(), form, status=400)


@login_required
@require_POST
def payment_application_submit(request, pk: int):
    grant = own_grant(request, pk)
    form = PaymentApplicationForm(request.POST)
    if form.is_valid():
        if (refused := _confirm_right_to_act_for(request, grant, pk)) is not None:
            return refused
        try:
            payment_services.payment_application_submit(
                grant=grant, **form.cleaned_data, acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The payment application has been sent."))
            return redirect("applications:decision", pk=pk)
    context = my_decision_context(grant.decision) | {"payment_form": form}
    return render(request, "portal/my_decision.html", context, status=400)


@login_required
@require_POST
def voluntary_return_announce(request, pk: int):
    grant = own_grant(request, pk)
    form = VoluntaryReturnForm(request.POST, prefix="voluntary")
    if form.is_valid():
        if (refused := _confirm_right_to_act_for(request, grant, pk)) is not None:
            return refused
        try:
            payment_services.voluntary_return_announce(
                grant=grant, **form.cleaned_data, acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The return is announced. The authority decides it and sends you the decision.")
            )
            return redirect("applications:decision", pk=pk)
    context = my_decision_context(grant.decision) | {"voluntary_return_form": form}
    return render(request, "portal/my_decision.html", context, status=400)
