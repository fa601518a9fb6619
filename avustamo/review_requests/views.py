"""The pages of requests for review: the party's request and its decision, the official's registration of one
that arrived by email or post, its handling from the presenter's proposal to the decision maker's signature, and
the register of requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avustamo.applications.workspace import official_application, workspace_context
from avustamo.core.forms import add_service_errors
from avustamo.core.notices import notice_of, notice_opened, review_time_limit
from avustamo.core.views import stored_pdf
from avustamo.decisions.forms import ReturnForm, SendForSigningForm
from avustamo.decisions.selectors import decision_makers
from avustamo.decisions.views import own_published_decision
from avustamo.organisations.authority_views import confirm_right_to_act
from avustamo.review_requests import selectors, services
from avustamo.review_requests.forms import PrepareForm, RegisterReviewRequestForm, ReviewRequestForm
from avustamo.review_requests.models import ReviewRequest, ReviewStatus


def _with_time_limits(notices):
    for notice in notices:
        notice.review_until = review_time_limit(notice)
    return notices


def _late_message(review_request: ReviewRequest) -> str:
    if not review_request.in_time:
        return _(
            "The request arrived after the time limit, which ended on %(day)s (30 days from the notification of "
            "the decision). The authority decides whether it is examined; a late request is usually not."
        ) % {"day": date_format(review_request.time_limit_ends, "SHORT_DATE_FORMAT")}
    return ""


# --- The party ---------------------------------------------------------------------------------------------------


@login_required
def review_request_new(request, pk):
    application = own_published_decision(request, pk).application
    if not request.user.has_perm("review_requests.request_review", application):
        raise Http404
    notices = selectors.contestable_notices(application)
    form = ReviewRequestForm(request.POST or None, request.FILES or None, notices=notices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            refused = confirm_right_to_act(
                request,
                application.organisation,
                back_to=reverse("applications:review_request_new", args=[pk]),
                draft_kept=False,
            )
            if refused is not None:
                return refused
            data = form.cleaned_data
            try:
                review_request = services.review_request_submit(
                    application=application,
                    contested=data["contested"],
                    requested_change=data["requested_change"],
                    grounds=data["grounds"],
                    attachments=[data["attachment"]] if data.get("attachment") else [],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your request for review has been received with the register number %(number)s.")
                    % {"number": review_request.register_number},
                )
                if late := _late_message(review_request):
                    messages.warning(request, late)
                return redirect("applications:review_request", pk=pk, request_pk=review_request.pk)
        status = 422
    return render(
        request,
        "review_requests/new.html",
        {"application": application, "form": form, "notices": _with_time_limits(list(notices))},
        status=status,
    )


def _own_request(request, pk, request_pk) -> ReviewRequest:
    application = own_published_decision(request, pk).application
    review_request = (
        ReviewRequest.objects.select_related("contested", "application")
        .filter(pk=request_pk, application=application)
        .first()
    )
    if review_request is None:
        raise Http404
    return review_request


@login_required
def my_review_request(request, pk, request_pk):
    review_request = _own_request(request, pk, request_pk)
    return render(
        request,
        "review_requests/mine.html",
        {
            "application": review_request.application,
            "review_request": review_request,
            "late_message": _late_message(review_request),
            "notice": notice_of(review_request) if review_request.status == ReviewStatus.DECIDED else None,
        },
    )


@login_required
def my_review_decision_document(request, pk, request_pk):
    review_request = _own_request(request, pk, request_pk)
    response = _document(review_request)
    notice_opened(
        review_request, organisation=review_request.application.organisation, acting_user=request.user
    )
    return response


def _document(review_request: ReviewRequest):
    return stored_pdf(review_request.document, services.decision_file_name(review_request))


# --- Officials ---------------------------------------------------------------------------------------------------


@login_required
def review_request_register(request, pk):
    """An official enters a request for review that arrived by email or post."""
    application = official_application(request, pk, "review_requests.register_review_request")
    notices = selectors.contestable_notices(application)
    form = RegisterReviewRequestForm(request.POST or None, notices=notices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review_request = services.review_request_register(
                    application=application, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The request for review has been registered with the register number %(number)s.")
                    % {"number": review_request.register_number},
                )
                return redirect("official:review_request", pk=review_request.pk)
        status = 422
    return render(
        request,
        "review_requests/register.html",
        workspace_context(request, application, form=form, notices=_with_time_limits(list(notices))),
        status=status,
    )


def _official_request(request, pk) -> ReviewRequest:
    review_request = (
        ReviewRequest.objects.select_related(
            "contested", "presenter", "decision_maker", "submitted_by", "registered_by", "correction"
        )
        .filter(pk=pk)
        .first()
    )
    if review_request is None:
        raise Http404
    review_request.application = official_application(
        request, review_request.application_id, "review_requests.read_review_request"
    )
    return review_request


@login_required
def review_request_detail(request, pk):
    """The official's page of one request: whether it arrived in time, the proposal, the signature, the document
    and, for an accepting decision on a grant decision, the correcting decision."""
    review_request = _official_request(request, pk)
    application = review_request.application
    user = request.user
    may_prepare = user.has_perm("review_requests.prepare_review_decision", application)
    prepare_form = PrepareForm(
        initial={"outcome": review_request.outcome or None, "reasons": review_request.reasons}
    )
    send_form = SendForSigningForm(decision_makers=decision_makers().exclude(pk=user.pk))
    return_form = ReturnForm()
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "prepare":
                if not may_prepare:
                    raise PermissionDenied
                prepare_form = PrepareForm(request.POST)
                if not prepare_form.is_valid():
                    raise ValidationError(_("Choose the outcome and give the reasons."))
                services.review_request_prepare(
                    review_request=review_request, acting_user=user, **prepare_form.cleaned_data
                )
                messages.success(request, _("The proposal has been saved."))
            elif step == "send":
                send_form = SendForSigningForm(
                    request.POST, decision_makers=decision_makers().exclude(pk=user.pk)
                )
                if not send_form.is_valid():
                    raise ValidationError({"decision_maker": _("Choose a decision maker.")})
                services.review_request_send_for_signing(
                    review_request=review_request,
                    decision_maker=send_form.cleaned_data["decision_maker"],
                    acting_user=user,
                )
                messages.success(request, _("The decision has been sent for signing."))
            elif step == "return":
                return_form = ReturnForm(request.POST)
                services.review_request_return(
                    review_request=review_request, reason=request.POST.get("reason", ""), acting_user=user
                )
                messages.success(request, _("The decision has been returned to the presenter."))
            elif step == "sign":
                services.review_request_decide(review_request=review_request, acting_user=user)
                messages.success(request, _("The decision has been signed."))
            elif step == "correct":
                services.review_request_correction_start(review_request=review_request, acting_user=user)
                messages.success(
                    request,
                    _("The correcting decision has been started as a new draft on the decision tab."),
                )
            else:
                raise Http404
        except ValidationError as error:
            form = {"prepare": prepare_form, "send": send_form, "return": return_form}.get(step)
            if form is not None:
                add_service_errors(form, error)
            else:
                for message in error.messages:
                    messages.error(request, message)
            status = 422
        else:
            return redirect("official:review_request", pk=review_request.pk)
        review_request.refresh_from_db()
    return render(
        request,
        "review_requests/detail.html",
        workspace_context(
            request,
            application,
            review_request=review_request,
            notice=notice_of(review_request) if review_request.status == ReviewStatus.DECIDED else None,
            may_prepare=may_prepare and review_request.status == ReviewStatus.RECEIVED,
            may_send=may_prepare
            and review_request.status == ReviewStatus.RECEIVED
            and review_request.presenter_id == user.pk,
            may_sign=review_request.status == ReviewStatus.FOR_SIGNING
            and review_request.decision_maker_id == user.pk
            and user.has_perm("review_requests.decide_review_request", application),
            may_return=review_request.status == ReviewStatus.FOR_SIGNING
            and user.pk in (review_request.decision_maker_id, review_request.presenter_id),
            may_correct=may_prepare
            and review_request.status == ReviewStatus.DECIDED
            and review_request.is_accepting
            and review_request.correction_id is None
            and review_request.contested.target_type.model == "decision",
            prepare_form=prepare_form,
            send_form=send_form,
            return_form=return_form,
        ),
        status=status,
    )


@login_required
def review_decision_document(request, pk):
    review_request = _official_request(request, pk)
    return _document(review_request)


@login_required
def review_request_list(request):
    """The register of requests for review (received, being prepared, decided; in time or not)."""
    if not request.user.has_perm("review_requests.view_register"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in ReviewStatus.values:
        status = ""
    requests = list(selectors.review_request_register(status=status)[:500])
    return render(
        request,
        "review_requests/register_list.html",
        {"requests": requests, "status": status, "statuses": ReviewStatus.choices},
    )
