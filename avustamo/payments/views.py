"""Pages of payments and recovery: the recipient's acceptance of a grant; the officials' interest calculator and
table of reference rates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from avustamo.decisions.selectors import published_decision
from avustamo.decisions.views import my_decision_context
from avustamo.payments import selectors, services
from avustamo.payments.forms import AcceptGrantForm, DeclineGrantForm, InterestForm, ReferenceRateForm

CALCULATE_PERMISSION = "payments.calculate_interest"
MANAGE_RATES_PERMISSION = "payments.manage_reference_rates"


@login_required
def interest_calculator(request):
    if not request.user.has_perm(CALCULATE_PERMISSION):
        raise PermissionDenied
    if not request.GET:
        return render(request, "payments/interest_calculator.html", {"form": InterestForm()})
    form = InterestForm(request.GET)
    if not form.is_valid():
        return render(request, "payments/interest_calculator.html", {"form": form}, status=400)
    return render(request, "payments/interest_calculator.html", {"form": form, "result": form.result})


@login_required
def reference_rates(request):
    if not request.user.has_perm(CALCULATE_PERMISSION):
        raise PermissionDenied
    can_manage = request.user.has_perm(MANAGE_RATES_PERMISSION)
    form = ReferenceRateForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                rate = services.reference_rate_enter(**form.cleaned_data, acting_user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The reference rate from %(day)s is saved.")
                    % {"day": date_format(rate.valid_from, "SHORT_DATE_FORMAT")},
                )
                return redirect("official:reference_rates")
    status = 400 if form is not None and form.errors else 200
    context = {"rates": selectors.all_reference_rates(), "form": form}
    return render(request, "payments/reference_rates.html", context, status=status)


def _answerable_grant(request, pk: int):
    """The grant of the signed-in member's own published decision, else 404: nobody learns of others' grants."""
    decision = published_decision(application_pk=pk)
    if decision is None or not request.user.has_perm("decisions.read_own_decision", decision):
        raise Http404
    grant = selectors.grant_of_application(decision.application)
    if grant is None:
        raise Http404
    return grant


def _decision_page(request, grant, accept_form, decline_form, status: int):
    context = my_decision_context(grant.decision) | {"accept_form": accept_form, "decline_form": decline_form}
    return render(request, "decisions/my_decision.html", context, status=status)


@login_required
@require_POST
def grant_accept(request, pk: int):
    grant = _answerable_grant(request, pk)
    form = AcceptGrantForm(request.POST)
    if form.is_valid():
        try:
            services.grant_accept(grant=grant, acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("You have accepted the terms. The grant can now be paid as the decision says.")
            )
            return redirect("applications:decision", pk=pk)
    return _decision_page(request, grant, form, DeclineGrantForm(), status=400)


@login_required
@require_POST
def grant_decline(request, pk: int):
    grant = _answerable_grant(request, pk)
    form = DeclineGrantForm(request.POST)
    if form.is_valid():
        try:
            services.grant_decline(grant=grant, reason=form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("You have declined the grant. The presenter of the decision has been told.")
            )
            return redirect("applications:decision", pk=pk)
    return _decision_page(request, grant, AcceptGrantForm(), form, status=400)
