"""Officials' pages of payments and recovery: the interest calculator and the table of reference rates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from avustamo.payments import selectors, services
from avustamo.payments.forms import InterestForm, ReferenceRateForm

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
