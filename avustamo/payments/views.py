"""Pages of payments and recovery: the recipient's acceptance of a grant; the finance officers' payments and
batches; the officials' interest calculator and table of reference rates."""

import csv
import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from avustamo.core.confirmation import Confirmation, unconfirmed
from avustamo.core.dates import banking_day_from, format_day, helsinki_today
from avustamo.core.forms import add_service_errors
from avustamo.core.money import format_euros
from avustamo.core.notices import notice_opened
from avustamo.core.permissions import require_permission
from avustamo.core.views import stored_pdf
from avustamo.grants import selectors as grant_selectors
from avustamo.grants.views import own_grant
from avustamo.payments import selectors, services
from avustamo.payments.forms import (
    CloseGroundsForm,
    EndSuspensionForm,
    GroundsClaimForm,
    InterestForm,
    MarkPaidForm,
    OffsetForm,
    PaymentApplicationDecisionForm,
    PrepareBatchForm,
    ReconciliationForm,
    RecordVoluntaryReturnForm,
    RecoveryGroundsForm,
    ReferenceRateForm,
    ReturnClaimForm,
    ReturnReceivedForm,
    SuspensionForm,
    WaiverForm,
    close_prefix,
    end_prefix,
    grounds_prefix,
    offset_prefix,
    voluntary_prefix,
    waive_prefix,
)
from avustamo.payments.models import BatchStatus
from avustamo.payments.services.suspension import SUSPEND_PERMISSION
from avustamo.payments.sftp import TransportError
from avustamo.payments.tasks import MONEY_DECISIONS, RETURN, decision_file_name, grant_of

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
                add_service_errors(form, error)
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


VIEW_PAYMENTS_PERMISSION = "payments.view_payments"
PREPARE_PERMISSION = "payments.prepare_payments"


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@login_required
def payments_overview(request):
    """Payments due, by agency, with the form to gather them into a batch; the latest batches."""
    _require(request, VIEW_PAYMENTS_PERMISSION)
    can_prepare = request.user.has_perm(PREPARE_PERMISSION)
    # Preparing and approving take the rest of the day: the next banking day is the first a bank can pay on.
    next_banking_day = banking_day_from(helsinki_today() + datetime.timedelta(days=1))
    form = PrepareBatchForm(request.POST or None, initial={"execution_date": next_banking_day})
    status = 200
    if request.method == "POST":
        _require(request, PREPARE_PERMISSION)
        if form.is_valid():
            try:
                batch = services.batch_prepare(**form.cleaned_data, acting_user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The batch is prepared. A second finance officer approves it."))
                return redirect("official:payment_batch", pk=batch.pk)
        status = 400
    due = selectors.payments_due()
    context = {
        "open_grounds": selectors.open_recovery_grounds(),
        "today": helsinki_today(),
        "due": due.ready,
        "held": due.held,
        "lacking_codes": due.lacking_codes,
        "awaiting_agreements": due.awaiting_agreements,
        "due_total": due.ready_total,
        "batches": selectors.recent_batches(),
        "calls": selectors.money_by_call(),
        "form": form if can_prepare else None,
    }
    return render(request, "payments/payments.html", context, status=status)


def _batch(request, pk: int):
    _require(request, VIEW_PAYMENTS_PERMISSION)
    batch = selectors.batch_with_payments(pk)
    if batch is None:
        raise Http404
    return batch


@login_required
def payment_batch(request, pk: int):
    batch = _batch(request, pk)
    context = {"batch": batch, "paid_form": MarkPaidForm(initial={"paid_on": helsinki_today()})}
    return render(request, "payments/payment_batch.html", context)


def _refused(request, batch, error: ValidationError | None, form=None, status=400):
    context = {"batch": batch, "paid_form": form or MarkPaidForm(), "refusal": error}
    return render(request, "payments/payment_batch.html", context, status=status)


def _batch_action(request, pk: int, action, form=None):
    """Run one service on the batch; a refusal shows the batch page again with the message."""
    batch = _batch(request, pk)
    if form is not None and not form.is_valid():
        return _refused(request, batch, None, form)
    try:
        action(batch)
    except ValidationError as error:
        return _refused(request, batch, error, form)
    return redirect("official:payment_batch", pk=pk)


@login_required
@require_POST
def payment_batch_approve(request, pk: int):
    batch = _batch(request, pk)
    # Only one who may approve is asked to confirm; anyone else hears the service's refusal at once.
    if (
        request.user.has_perm("payments.approve_payments")
        and batch.prepared_by_id != request.user.pk
        and batch.status == BatchStatus.PREPARED
    ):
        asking = unconfirmed(
            request,
            Confirmation(
                question=_("Approve the batch %(reference)s?") % {"reference": batch.reference},
                consequences=[
                    ngettext(
                        "%(count)s payment, %(amount)s in all, goes to be paid on %(day)s.",
                        "%(count)s payments, %(amount)s in all, go to be paid on %(day)s.",
                        batch.payments,
                    )
                    % {
                        "count": batch.payments,
                        "amount": format_euros(batch.amount),
                        "day": format_day(batch.execution_date),
                    },
                    _(
                        "Your approval is recorded as the second finance officer's: the batch cannot be changed "
                        "after it."
                    ),
                ],
                action=_("Approve the batch"),
                cancel_url=reverse("official:payment_batch", args=[pk]),
            ),
        )
        if asking:
            return asking
    return _batch_action(
        request, pk, lambda batch: services.batch_approve(batch=batch, acting_user=request.user)
    )


@login_required
@require_POST
def payment_batch_paid(request, pk: int):
    form = MarkPaidForm(request.POST)
    return _batch_action(
        request,
        pk,
        lambda batch: services.batch_mark_paid(
            batch=batch, paid_on=form.cleaned_data["paid_on"], acting_user=request.user
        ),
        form,
    )


@login_required
@require_POST
def payment_batch_send(request, pk: int):
    response = _batch_action(
        request, pk, lambda batch: services.batch_send(batch=batch, acting_user=request.user)
    )
    if response.status_code == 302:
        messages.success(
            request,
            _("The batch is sent: its invoices are being delivered to the State's invoice circulation."),
        )
    return response


@login_required
@require_POST
def payment_batch_deliver(request, pk: int):
    """Deliver again what a failed delivery left waiting; a server still down is said on the batch's page."""
    batch = _batch(request, pk)
    try:
        delivery = services.batch_deliver_again(batch=batch, acting_user=request.user)
    except ValidationError as error:
        return _refused(request, batch, error)
    except TransportError as error:
        return _refused(request, selectors.batch_with_payments(pk), ValidationError(str(error)), status=502)
    messages.success(
        request,
        ngettext(
            "%(count)d invoice was delivered to the invoice circulation.",
            "%(count)d invoices were delivered to the invoice circulation.",
            delivery.count,
        )
        % {"count": delivery.count},
    )
    return redirect("official:payment_batch", pk=pk)


def _reconciliation_page(request, *, refusal=None, status=200):
    form = ReconciliationForm(request.GET or {"days": settings.PAYMENT_CONFIRMATION_LATE_DAYS})
    if not form.is_valid():
        status = 400
    days = form.cleaned_data["days"] if form.is_valid() else settings.PAYMENT_CONFIRMATION_LATE_DAYS
    context = {"form": form, "report": selectors.reconciliation(days), "refusal": refusal}
    return render(request, "payments/reconciliation.html", context, status=status)


@login_required
def payments_reconciliation(request):
    """What was sent to the invoice circulation, confirmed paid, rejected or is still waiting, beside the ledger."""
    _require(request, VIEW_PAYMENTS_PERMISSION)
    return _reconciliation_page(request)


@login_required
@require_POST
def payments_fetch_confirmations(request):
    _require(request, PREPARE_PERMISSION)
    try:
        fetched = services.confirmations_fetch(acting_user=request.user)
    except TransportError as error:
        return _reconciliation_page(request, refusal=str(error), status=502)
    messages.success(
        request,
        ngettext(
            "%(count)d confirmation was fetched.",
            "%(count)d confirmations were fetched.",
            len(fetched.outcomes),
        )
        % {"count": len(fetched.outcomes)},
    )
    return redirect("official:payments_reconciliation")


@login_required
def payments_reconciliation_csv(request):
    _require(request, VIEW_PAYMENTS_PERMISSION)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="invoice-circulation.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerows(selectors.reconciliation_csv_rows())
    return response


@login_required
def payment_batch_credit_transfer(request, pk: int):
    batch = _batch(request, pk)
    try:
        content = services.batch_credit_transfer(batch=batch, acting_user=request.user)
    except ValidationError as error:
        return _refused(request, batch, error)
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.xml"'
    return response


@login_required
def payment_batch_csv(request, pk: int):
    batch = _batch(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerows(selectors.batch_csv_rows(batch))
    return response


@login_required
@require_POST
def payment_application_decide(request, pk: int):
    payment_application = selectors.payment_application(pk)
    if payment_application is None:
        raise Http404
    if not request.user.has_perm("payments.decide_payment_application", payment_application.grant.decision):
        raise PermissionDenied
    form = PaymentApplicationDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.payment_application_decide(
                payment_application=payment_application, **form.cleaned_data, acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("official:application_decision", pk=payment_application.grant.application_id)
    return render(
        request,
        "payments/payment_application_refused.html",
        {"payment_application": payment_application, "form": form},
        status=400,
    )


def _official_grant(request, application_pk: int, permission: str):
    grant = grant_selectors.grant_of_application_pk(application_pk)
    if grant is None:
        raise Http404
    if not request.user.has_perm(permission, grant.decision):
        raise PermissionDenied
    return grant


def _returns_refused(request, grant, form, status=400):
    context = {"grant": grant, "form": form}
    return render(request, "payments/return_refused.html", context, status=status)


@login_required
@require_POST
def return_claim_create(request, pk: int):
    grant = _official_grant(request, pk, "payments.claim_return")
    form = ReturnClaimForm(request.POST)
    if form.is_valid():
        try:
            services.return_claim_create(grant=grant, **form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The return is decided, with its interest."))
            return redirect("official:application_decision", pk=pk)
    return _returns_refused(request, grant, form)


@login_required
@require_POST
def return_claim_received(request, pk: int):
    claim = selectors.return_claim(pk)
    if claim is None:
        raise Http404
    require_permission(request.user, "payments.prepare_payments")
    form = ReturnReceivedForm(request.POST)
    if form.is_valid():
        try:
            services.return_claim_received(
                claim=claim, received_on=form.cleaned_data["received_on"], acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("official:application_decision", pk=claim.grant.application_id)
    return _returns_refused(request, claim.grant, form)


@login_required
@require_POST
def recovery_grounds_note(request, pk: int):
    grant = _official_grant(request, pk, "payments.note_recovery_grounds")
    form = RecoveryGroundsForm(request.POST, prefix="grounds")
    if form.is_valid():
        try:
            services.recovery_grounds_note(grant=grant, **form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The grounds are noted. Decide on them within a year of learning them.")
            )
            return redirect("official:application_decision", pk=pk)
    return _returns_refused(request, grant, form)


def _grounds(request, pk: int, permission: str):
    grounds = selectors.recovery_grounds(pk)
    if grounds is None:
        raise Http404
    if not request.user.has_perm(permission, grounds.grant.decision):
        raise PermissionDenied
    return grounds


@login_required
@require_POST
def recovery_grounds_claim(request, pk: int):
    grounds = _grounds(request, pk, "payments.claim_return")
    form = GroundsClaimForm(request.POST, prefix=grounds_prefix(grounds))
    if form.is_valid():
        try:
            services.return_claim_create(
                grant=grounds.grant,
                ground=grounds.ground,
                learned_on=grounds.learned_on,
                grounds=grounds,
                **form.cleaned_data,
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The return is decided, with its interest."))
            return redirect("official:application_decision", pk=grounds.grant.application_id)
    return _returns_refused(request, grounds.grant, form)


@login_required
@require_POST
def recovery_grounds_close(request, pk: int):
    grounds = _grounds(request, pk, "payments.note_recovery_grounds")
    form = CloseGroundsForm(request.POST, prefix=close_prefix(grounds))
    if form.is_valid():
        try:
            services.recovery_grounds_close(
                grounds=grounds, reasons=form.cleaned_data["reasons"], acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The grounds are closed without a claim."))
            return redirect("official:application_decision", pk=grounds.grant.application_id)
    return _returns_refused(request, grounds.grant, form)


@login_required
@require_POST
def voluntary_return_record(request, pk: int):
    announcement = selectors.voluntary_return(pk)
    if announcement is None:
        raise Http404
    if not request.user.has_perm("payments.claim_return", announcement.grant.decision):
        raise PermissionDenied
    form = RecordVoluntaryReturnForm(request.POST, prefix=voluntary_prefix(announcement))
    if form.is_valid():
        try:
            services.voluntary_return_record(
                voluntary_return=announcement, **form.cleaned_data, acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The voluntary return is decided, with its interest."))
            return redirect("official:application_decision", pk=announcement.grant.application_id)
    return _returns_refused(request, announcement.grant, form)


def document_response(kind: str, decision):
    """The stored decision document; 404 until the task has made it."""
    return stored_pdf(
        getattr(decision, MONEY_DECISIONS[kind].document_field), decision_file_name(kind, decision)
    )


@login_required
def return_decision_document(request, pk: int):
    claim = selectors.return_claim(pk)
    if claim is None:
        raise Http404
    if not request.user.has_perm("decisions.read_decision_as_official", claim.grant.application):
        raise PermissionDenied
    return document_response(RETURN, claim)


@login_required
def my_return_decision_document(request, pk: int, claim_pk: int):
    grant = own_grant(request, pk)
    claim = selectors.return_claim(claim_pk)
    if claim is None or claim.grant_id != grant.pk:
        raise Http404
    response = document_response(RETURN, claim)
    notice_opened(claim, organisation=grant.application.organisation, acting_user=request.user)
    return response


@login_required
@require_POST
def payment_suspend(request, pk: int):
    grant = _official_grant(request, pk, SUSPEND_PERMISSION)
    form = SuspensionForm(request.POST, prefix="suspension")
    if form.is_valid():
        try:
            services.payment_suspend(grant=grant, **form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The payments are suspended. The decision is sent to the recipient."))
            return redirect("official:application_decision", pk=pk)
    return _returns_refused(request, grant, form)


@login_required
@require_POST
def payment_suspension_end(request, pk: int):
    suspension = selectors.suspension(pk)
    if suspension is None:
        raise Http404
    if not request.user.has_perm(SUSPEND_PERMISSION, suspension.grant.decision):
        raise PermissionDenied
    form = EndSuspensionForm(request.POST, prefix=end_prefix(suspension))
    if form.is_valid():
        try:
            services.payment_suspension_end(
                suspension=suspension, reasons=form.cleaned_data["reasons"], acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The suspension is ended: the grant's payments go again."))
            return redirect("official:application_decision", pk=suspension.grant.application_id)
    return _returns_refused(request, suspension.grant, form)


def _claim_for(request, pk: int):
    claim = selectors.return_claim(pk)
    if claim is None:
        raise Http404
    if not request.user.has_perm(SUSPEND_PERMISSION, claim.grant.decision):
        raise PermissionDenied
    return claim


def _money_decision_confirmation(claim, question: str) -> Confirmation:
    return Confirmation(
        question=question,
        consequences=[
            _("The decision is made in your name and sent to the recipient at once, with its PDF."),
            _("It cannot be undone: a mistake is put right only by a new decision."),
        ],
        action=_("Make the decision"),
        cancel_url=reverse("official:application_decision", args=[claim.grant.application_id]),
    )


@login_required
@require_POST
def claim_waive(request, pk: int):
    claim = _claim_for(request, pk)
    form = WaiverForm(request.POST, prefix=waive_prefix(claim))
    if form.is_valid():
        if asking := unconfirmed(request, _money_decision_confirmation(claim, _("Decide the reduction?"))):
            return asking
        try:
            services.claim_waive(claim=claim, **form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The reduction is decided. The decision is sent to the recipient."))
            return redirect("official:application_decision", pk=claim.grant.application_id)
    return _returns_refused(request, claim.grant, form)


@login_required
@require_POST
def claim_offset(request, pk: int):
    claim = _claim_for(request, pk)
    form = OffsetForm(
        request.POST, prefix=offset_prefix(claim), instalments=selectors.offsettable_instalments(claim.grant)
    )
    if form.is_valid():
        if asking := unconfirmed(request, _money_decision_confirmation(claim, _("Decide the offsetting?"))):
            return asking
        try:
            services.claim_offset(claim=claim, **form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The offsetting is decided. The decision is sent to the recipient."))
            return redirect("official:application_decision", pk=claim.grant.application_id)
    return _returns_refused(request, claim.grant, form)


@login_required
def money_decision_document(request, kind: str, pk: int):
    decision = selectors.money_decision(kind, pk)
    if decision is None:
        raise Http404
    if not request.user.has_perm("decisions.read_decision_as_official", grant_of(decision).application):
        raise PermissionDenied
    return document_response(kind, decision)


@login_required
def my_money_decision_document(request, pk: int, kind: str, decision_pk: int):
    grant = own_grant(request, pk)
    decision = selectors.money_decision(kind, decision_pk)
    if decision is None or grant_of(decision).pk != grant.pk:
        raise Http404
    response = document_response(kind, decision)
    notice_opened(
        decision,
        part=MONEY_DECISIONS[kind].notice_part,
        organisation=grant.application.organisation,
        acting_user=request.user,
    )
    return response
