"""Writes of payments and recovery: each checks its rule, writes an audit entry and returns the new state."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer

from avustamo.core.audit import audit
from avustamo.core.dates import helsinki_today, shift_years
from avustamo.core.links import site_url
from avustamo.core.money import format_euros, to_cents
from avustamo.core.tasks import queue_email
from avustamo.decisions.models import Decision
from avustamo.decisions.selectors import period_in_force
from avustamo.grants.models import Grant, GrantStatus
from avustamo.payments import selectors
from avustamo.payments.interest import InterestKind, calculate_interest
from avustamo.payments.models import (
    RECOVERY_YEARS_AFTER_LEARNING,
    BatchStatus,
    Instalment,
    InstalmentStatus,
    LedgerEntry,
    LedgerKind,
    PaymentApplication,
    PaymentApplicationStatus,
    PaymentBatch,
    RecoveryGrounds,
    ReferenceRate,
    ReturnClaim,
    ReturnGround,
    VoluntaryReturn,
)
from avustamo.payments.selectors import AWARD_KINDS
from avustamo.payments.settlement import NOT_RECLAIMED_AT_MOST, Settlement, settle
from avustamo.payments.tasks import make_return_decision
from avustamo.programmes.models import Agency


@transaction.atomic
def reference_rate_enter(*, valid_from, rate: Decimal, source: str, acting_user) -> ReferenceRate:
    """Enter the reference rate of a half-year, or correct the one entered."""
    if valid_from.day != 1 or valid_from.month not in (1, 7):
        raise ValidationError(
            {"valid_from": _("A reference rate is set for a half-year: give 1 January or 1 July.")}
        )
    existing = ReferenceRate.objects.select_for_update().filter(valid_from=valid_from).first()
    previous = existing.rate if existing else None
    rate_row = existing or ReferenceRate(valid_from=valid_from)
    rate_row.rate = rate
    rate_row.source = source.strip()
    rate_row.entered_by = acting_user
    rate_row.full_clean()
    rate_row.save()
    audit(
        acting_user=acting_user,
        action="payments.reference_rate_corrected" if existing else "payments.reference_rate_entered",
        target=rate_row,
        valid_from=valid_from,
        rate=rate,
        previous_rate=previous,
        source=rate_row.source,
    )
    return rate_row


def _locked_grant(grant: Grant) -> Grant:
    return (
        Grant.objects.select_for_update(of=("self",))
        .select_related("application__call", "application__organisation", "decision__presenter")
        .get(pk=grant.pk)
    )


@transaction.atomic
def grant_open(*, decision: Decision, acting_user) -> Grant | None:
    """Open the grant of a positive decision being published; a correction takes over the grant of the decision
    it corrects, to be accepted anew, and records the change in the ledger. A negative correction closes the
    grant. None for a negative decision without a grant."""
    application = decision.application
    existing = Grant.objects.select_for_update().filter(application=application).first()
    day = decision.decision_date or helsinki_today()
    if not decision.is_positive:
        if existing is not None:
            _close_by_correction(existing, decision, acting_user)
        return None
    if existing is not None and existing.decision_id == decision.pk:
        return existing
    grant = existing or Grant(application=application)
    grant.decision = decision
    grant.status = GrantStatus.AWAITING_ACCEPTANCE
    grant.answered_at = None
    grant.answered_by = None
    grant.decline_reason = ""
    grant.save()
    if existing is None:
        _record(grant, LedgerKind.AWARDED, decision.amount, day, decision=decision)
    else:
        _record(grant, LedgerKind.CHANGED, decision.amount - _in_force(grant), day, decision=decision)
    _replan(grant)
    _make_due(grant)
    audit(
        acting_user=acting_user,
        action="grant.opened",
        target=grant,
        decision=decision.pk,
        amount=decision.amount,
    )
    return grant


def _close_by_correction(grant: Grant, decision: Decision, acting_user) -> None:
    """A negative correction ends the grant: what was not paid is cancelled and nothing is awarded any more. Money
    already paid stays on the grant's ledger, to be returned or recovered by a decision of its own."""
    _unpaid(grant).update(status=InstalmentStatus.CANCELLED)
    _record(
        grant,
        LedgerKind.CHANGED,
        -_in_force(grant),
        decision.decision_date or helsinki_today(),
        decision=decision,
    )
    grant.decision = decision
    grant.status = GrantStatus.CLOSED
    grant.save(update_fields=["decision", "status"])
    audit(acting_user=acting_user, action="grant.closed_by_correction", target=grant, decision=decision.pk)


def _require_answerable(grant: Grant, acting_user) -> None:
    if not acting_user.has_perm("payments.answer_grant", grant):
        raise PermissionDenied
    if grant.status != GrantStatus.AWAITING_ACCEPTANCE:
        raise ValidationError(
            _("The grant has already been %(status)s.") % {"status": grant.get_status_display()},
            code="already_answered",
        )


@transaction.atomic
def grant_accept(*, grant: Grant, acting_user) -> Grant:
    """The recipient accepts the decision's terms; payments may then be made."""
    grant = _locked_grant(grant)
    _require_answerable(grant, acting_user)
    grant.status = GrantStatus.ACCEPTED
    grant.answered_at = timezone.now()
    grant.answered_by = acting_user
    grant.save(update_fields=["status", "answered_at", "answered_by"])
    _make_due(grant)
    audit(acting_user=acting_user, action="grant.accepted", target=grant, decision=grant.decision_id)
    return grant


@transaction.atomic
def grant_decline(*, grant: Grant, reason: str, acting_user) -> Grant:
    """The recipient declines the grant: nothing is paid, the money is free for the call again, and the decision's
    presenter is told."""
    grant = _locked_grant(grant)
    _require_answerable(grant, acting_user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell us briefly why the grant is declined.")})
    grant.status = GrantStatus.DECLINED
    grant.answered_at = timezone.now()
    grant.answered_by = acting_user
    grant.decline_reason = reason
    grant.save(update_fields=["status", "answered_at", "answered_by", "decline_reason"])
    unpaid = _unpaid(grant)
    _record(grant, LedgerKind.DECLINED, -_sum(unpaid), helsinki_today())
    unpaid.update(status=InstalmentStatus.CANCELLED)
    audit(
        acting_user=acting_user,
        action="grant.declined",
        target=grant,
        decision=grant.decision_id,
        reason=reason,
    )
    presenter = grant.decision.presenter
    application = grant.application
    queue_email(
        key=f"grant-declined:{grant.pk}:{grant.decision_id}",
        template="payments/email/declined",
        context={
            "application": application,
            "decision": grant.decision,
            "reason": reason,
            "url": site_url(
                "official:application_decision", language=presenter.preferred_language, pk=application.pk
            ),
        },
        recipient=presenter.email,
        language=presenter.preferred_language,
    )
    return grant


def _plan(grant: Grant) -> list[Instalment]:
    """The decision's instalments as amounts: each its share rounded to the cent, the last the remainder, so that
    they add up to the grant exactly. A decision without instalments is paid at once on acceptance."""
    decision = grant.decision
    shares = decision.instalments or [
        {"percent": "100", "condition": Decision.InstalmentCondition.ON_ACCEPTANCE}
    ]
    instalments = []
    planned = Decimal("0.00")
    for number, share in enumerate(shares, start=1):
        if number == len(shares):
            amount = decision.amount - planned
        else:
            amount = to_cents(decision.amount * Decimal(str(share["percent"])) / 100)
        planned += amount
        if amount > 0:
            instalments.append(
                Instalment(
                    grant=grant, number=len(instalments) + 1, amount=amount, condition=share["condition"]
                )
            )
    return instalments


def _unpaid(grant: Grant):
    """Instalments neither batched, paid nor cancelled."""
    return grant.instalments.filter(status__in=[InstalmentStatus.PLANNED, InstalmentStatus.DUE])


def _committed(grant: Grant):
    """Instalments a correction cannot take back: batched, paid, or approved on a payment application."""
    return grant.instalments.exclude(status=InstalmentStatus.CANCELLED).filter(
        Q(status__in=[InstalmentStatus.IN_BATCH, InstalmentStatus.PAID])
        | Q(payment_application__isnull=False)
    )


def _replan(grant: Grant) -> None:
    """The plan of the decision in force. Committed instalments stay; then the others are cancelled and the rest
    of the corrected amount is one instalment: in arrears if the corrected decision pays in arrears, else on
    acceptance of the corrected terms."""
    committed = _committed(grant)
    if not committed.exists():
        # An instalment once approved on a payment application stays, cancelled, beside its application.
        grant.instalments.filter(payment_application__isnull=True).delete()
        kept = grant.instalments.aggregate(last=Max("number"))["last"] or 0
        plan = _plan(grant)
        for instalment in plan:
            instalment.number += kept
        Instalment.objects.bulk_create(plan)
        return
    _unpaid(grant).exclude(pk__in=committed.values("pk")).update(status=InstalmentStatus.CANCELLED)
    rest = grant.decision.amount - _sum(committed)
    if rest > 0:
        in_arrears = any(
            share["condition"] == Decision.InstalmentCondition.IN_ARREARS
            for share in grant.decision.instalments
        )
        Instalment.objects.create(
            grant=grant,
            number=(grant.instalments.aggregate(last=Max("number"))["last"] or 0) + 1,
            amount=rest,
            condition=Decision.InstalmentCondition.IN_ARREARS
            if in_arrears
            else Decision.InstalmentCondition.ON_ACCEPTANCE,
        )


def _in_force(grant: Grant) -> Decimal:
    """What the decisions now award, after changes and a decline: the sum of those ledger entries."""
    return _sum(grant.ledger.filter(kind__in=AWARD_KINDS))


def _sum(rows) -> Decimal:
    """The rows' amounts added up to the cent (SQLite adds decimals as floating point numbers)."""
    return to_cents(rows.aggregate(total=Sum("amount"))["total"] or 0)


def _record(grant: Grant, kind: str, amount: Decimal, day: datetime.date, **links) -> None:
    if amount:
        LedgerEntry.objects.create(grant=grant, kind=kind, amount=amount, occurred_on=day, **links)


# Instalments that fall due once the grant may be paid and the report they wait for has been approved.
_AFTER_REPORT = {
    Decision.ReportKind.INTERIM: Decision.InstalmentCondition.AFTER_INTERIM_REPORT,
    Decision.ReportKind.FINAL: Decision.InstalmentCondition.AFTER_FINAL_REPORT,
}


def _make_due(grant: Grant) -> None:
    """Instalments paid on acceptance, those approved on payment applications and those after a report now
    approved fall due once the grant may be paid; while it may not (a corrected decision awaiting acceptance),
    approved ones wait as planned."""
    approved = Q(payment_application__isnull=False)
    if grant.may_be_paid:
        released = Q(condition=Decision.InstalmentCondition.ON_ACCEPTANCE) | approved
        # Each approved report releases one instalment waiting for a report of its kind, the earliest first.
        for kind, condition in _AFTER_REPORT.items():
            reported = grant.reports.filter(status="approved", kind=kind).count()
            waiting = grant.instalments.exclude(status=InstalmentStatus.CANCELLED).filter(condition=condition)
            released |= Q(pk__in=list(waiting.order_by("number").values_list("pk", flat=True)[:reported]))
        grant.instalments.filter(status=InstalmentStatus.PLANNED).filter(released).update(
            status=InstalmentStatus.DUE
        )
    else:
        grant.instalments.filter(approved, status=InstalmentStatus.DUE).update(
            status=InstalmentStatus.PLANNED
        )


def _require(acting_user, permission: str) -> None:
    if not acting_user.has_perm(permission):
        raise PermissionDenied


@transaction.atomic
def batch_prepare(*, agency: Agency, execution_date: datetime.date, acting_user) -> PaymentBatch:
    """Gather every instalment due from the agency's grants into a new batch, to be approved by a second person.

    An instalment joins a batch by one conditional update, so two finance officers preparing batches at the same
    moment never put the same payment in both."""
    _require(acting_user, "payments.prepare_payments")
    if execution_date < helsinki_today():
        raise ValidationError({"execution_date": _("The day of payment cannot be in the past.")})
    if not agency.payment_iban:
        raise ValidationError(
            _("Enter the IBAN of the account %(agency)s pays grants from before preparing payments.")
            % {"agency": agency.code},
            code="no_payer_account",
        )
    due = list(
        Instalment.objects.filter(
            status=InstalmentStatus.DUE, grant__application__call__programme__agency=agency
        ).values_list("pk", flat=True)
    )
    batch = PaymentBatch.objects.create(agency=agency, execution_date=execution_date, prepared_by=acting_user)
    # The conditions stand on the instalment's own row, without joins, so that PostgreSQL checks them again on a
    # row another batch has just taken, and skips it.
    taken = Instalment.objects.filter(pk__in=due, status=InstalmentStatus.DUE, batch__isnull=True).update(
        batch=batch, status=InstalmentStatus.IN_BATCH
    )
    if not taken:
        raise ValidationError(
            _("No payment of %(agency)s is due.") % {"agency": agency.code}, code="nothing_due"
        )
    instalments = list(batch.instalments.select_related("grant__application__organisation"))
    for instalment in instalments:
        application = instalment.grant.application
        instalment.payee_name = application.applicant_name or application.organisation.name
        instalment.payee_iban = application.organisation.iban
    Instalment.objects.bulk_update(instalments, ["payee_name", "payee_iban"])
    audit(
        acting_user=acting_user,
        action="payment_batch.prepared",
        target=batch,
        payments=len(instalments),
        amount=sum(instalment.amount for instalment in instalments),
    )
    return batch


def _locked_batch(batch: PaymentBatch) -> PaymentBatch:
    return PaymentBatch.objects.select_for_update(of=("self",)).select_related("agency").get(pk=batch.pk)


@transaction.atomic
def batch_approve(*, batch: PaymentBatch, acting_user) -> PaymentBatch:
    """A second finance officer approves the batch; the one who prepared it cannot."""
    _require(acting_user, "payments.approve_payments")
    batch = _locked_batch(batch)
    if batch.status != BatchStatus.PREPARED:
        raise ValidationError(_("This batch has already been approved."), code="already_approved")
    if batch.prepared_by_id == acting_user.pk:
        raise ValidationError(
            _("A batch is approved by a second person, not by the one who prepared it."), code="four_eyes"
        )
    batch.status = BatchStatus.APPROVED
    batch.approved_by = acting_user
    batch.approved_at = timezone.now()
    batch.save(update_fields=["status", "approved_by", "approved_at"])
    audit(acting_user=acting_user, action="payment_batch.approved", target=batch)
    return batch


def _remittance(instalment: Instalment, count: int) -> str:
    application = instalment.grant.application
    return f"{application.register_number} {instalment.number}/{count} {application.call.reference}"


class _BatchTransfer(SepaTransfer):
    """sepaxml's credit transfer with the batch's own reference as its message id, which banks use to refuse a file
    sent twice (sepaxml would draw a random one while building the header)."""

    def __init__(self, config: dict, *, message_id: str):
        self._message_id = message_id
        super().__init__(config, schema="pain.001.001.03", clean=True)

    def _create_header(self):
        self.msg_id = self._message_id
        super()._create_header()


def _credit_transfer(batch: PaymentBatch) -> bytes:
    agency = batch.agency
    config = {"name": agency.name_fi, "IBAN": agency.payment_iban, "batch": True, "currency": "EUR"}
    if agency.payment_bic:
        config["BIC"] = agency.payment_bic
    transfer = _BatchTransfer(config, message_id=batch.reference)
    instalments = batch.instalments.select_related("grant__application__call").order_by("pk")
    counts = dict(
        Instalment.objects.filter(grant__in={instalment.grant_id for instalment in instalments})
        .values_list("grant")
        .annotate(count=models.Count("pk"))
    )
    for instalment in instalments:
        transfer.add_payment(
            {
                "name": instalment.payee_name,
                "IBAN": instalment.payee_iban,
                "amount": int(instalment.amount * 100),
                "execution_date": batch.execution_date,
                "description": _remittance(instalment, counts[instalment.grant_id]),
                "endtoend_id": instalment.reference,
            }
        )
    return transfer.export(validate=True)


@transaction.atomic
def batch_credit_transfer(*, batch: PaymentBatch, acting_user) -> bytes:
    """The approved batch as an ISO 20022 pain.001.001.03 credit transfer. Made once and kept: every later
    download is the same file, so the bank cannot be sent the same payments under a new message id."""
    _require(acting_user, "payments.prepare_payments")
    batch = _locked_batch(batch)
    if batch.status == BatchStatus.PREPARED:
        raise ValidationError(_("The batch must be approved by a second person first."), code="not_approved")
    if not batch.credit_transfer:
        batch.credit_transfer = _credit_transfer(batch)
        batch.exported_at = timezone.now()
        batch.save(update_fields=["credit_transfer", "exported_at"])
        audit(acting_user=acting_user, action="payment_batch.exported", target=batch)
    return bytes(batch.credit_transfer)


@transaction.atomic
def batch_mark_paid(*, batch: PaymentBatch, paid_on: datetime.date, acting_user) -> PaymentBatch:
    """Record the day the bank paid the batch; its instalments are then paid."""
    _require(acting_user, "payments.prepare_payments")
    batch = _locked_batch(batch)
    if batch.status != BatchStatus.APPROVED or not batch.credit_transfer:
        raise ValidationError(
            _("Only an approved batch sent to the bank can be marked paid."), code="not_sent"
        )
    if paid_on > helsinki_today():
        raise ValidationError({"paid_on": _("The day of payment cannot be in the future.")})
    batch.status = BatchStatus.PAID
    batch.paid_on = paid_on
    batch.save(update_fields=["status", "paid_on"])
    batch.instalments.update(status=InstalmentStatus.PAID, paid_on=paid_on)
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            grant_id=instalment.grant_id,
            kind=LedgerKind.PAID,
            amount=-instalment.amount,
            occurred_on=paid_on,
            batch=batch,
        )
        for instalment in batch.instalments.all()
    )
    audit(acting_user=acting_user, action="payment_batch.paid", target=batch, paid_on=paid_on)
    return batch


def arrears_left(grant: Grant) -> Decimal:
    """What may still be applied for in arrears: the grant's planned in-arrears instalments, less what pending
    payment applications ask."""
    planned = _sum(
        grant.instalments.filter(
            status=InstalmentStatus.PLANNED,
            condition=Decision.InstalmentCondition.IN_ARREARS,
            payment_application__isnull=True,
        )
    )
    pending = _sum(grant.payment_applications.filter(status=PaymentApplicationStatus.SUBMITTED))
    return planned - pending


@transaction.atomic
def payment_application_submit(
    *,
    grant: Grant,
    period_start: datetime.date,
    period_end: datetime.date,
    costs_incurred: Decimal,
    amount: Decimal,
    description: str,
    acting_user,
) -> PaymentApplication:
    """The recipient applies for payment of costs incurred, within the grant's period of use and what is left."""
    grant = _locked_grant(grant)
    if not acting_user.has_perm("payments.answer_grant", grant):
        raise PermissionDenied
    errors = {}
    if not grant.may_be_paid:
        raise ValidationError(_("Accept the grant's terms before applying for payment."), code="not_payable")
    # The period as change decisions have extended it since the decision.
    in_force_start, in_force_end = period_in_force(grant)
    if period_end < period_start:
        errors["period_end"] = _("The period cannot end before it starts.")
    elif (in_force_start and period_start < in_force_start) or (in_force_end and period_end > in_force_end):
        errors["period_start"] = _("The costs must fall within the period of use of the grant.")
    if period_end > helsinki_today():
        errors["period_end"] = _("Apply for costs already incurred: the period cannot end in the future.")
    if amount > costs_incurred:
        errors["amount"] = _("The amount cannot be more than the costs incurred.")
    elif amount > (left := arrears_left(grant)):
        errors["amount"] = _("At most %(left)s is left to apply for.") % {"left": format_euros(left)}
    if errors:
        raise ValidationError(errors)
    application = PaymentApplication.objects.create(
        grant=grant,
        period_start=period_start,
        period_end=period_end,
        costs_incurred=costs_incurred,
        amount=amount,
        description=description.strip(),
        submitted_by=acting_user,
    )
    audit(acting_user=acting_user, action="payment_application.submitted", target=application, amount=amount)
    return application


@transaction.atomic
def payment_application_decide(
    *, payment_application: PaymentApplication, approved_amount: Decimal | None, reason: str, acting_user
) -> PaymentApplication:
    """An official approves the amount to pay (all or part of what was asked) or rejects the application with a
    reason. The approved amount becomes a due instalment taken from the planned in-arrears instalments."""
    payment_application = PaymentApplication.objects.select_for_update().get(pk=payment_application.pk)
    grant = _locked_grant(payment_application.grant)
    if not acting_user.has_perm("payments.decide_payment_application", grant.decision):
        raise PermissionDenied
    if payment_application.status != PaymentApplicationStatus.SUBMITTED:
        raise ValidationError(_("This payment application has already been decided."), code="already_decided")
    reason = reason.strip()
    if approved_amount is None or approved_amount == 0:
        if not reason:
            raise ValidationError({"reason": _("Give the reasons for rejecting the application.")})
        payment_application.status = PaymentApplicationStatus.REJECTED
    else:
        if not 0 < approved_amount <= payment_application.amount:
            raise ValidationError(
                {"approved_amount": _("Approve more than 0 and at most the amount applied for.")}
            )
        if approved_amount < payment_application.amount and not reason:
            raise ValidationError({"reason": _("Give the reasons for approving less than was applied for.")})
        payment_application.instalment = _take_from_arrears(grant, approved_amount)
        payment_application.status = PaymentApplicationStatus.APPROVED
        payment_application.approved_amount = approved_amount
    payment_application.decided_by = acting_user
    payment_application.decided_at = timezone.now()
    payment_application.reason = reason
    payment_application.save()
    audit(
        acting_user=acting_user,
        action=f"payment_application.{payment_application.status}",
        target=payment_application,
        approved_amount=payment_application.approved_amount,
    )
    return payment_application


def _take_from_arrears(grant: Grant, amount: Decimal) -> Instalment:
    """A due instalment of `amount`, taken from the planned in-arrears instalments so the plan's total stays."""
    left = amount
    for planned in grant.instalments.filter(
        status=InstalmentStatus.PLANNED,
        condition=Decision.InstalmentCondition.IN_ARREARS,
        payment_application__isnull=True,
    ).order_by("number"):
        taken = min(left, planned.amount)
        if taken == planned.amount:
            planned.status = InstalmentStatus.CANCELLED
        else:
            planned.amount -= taken
        planned.save(update_fields=["status", "amount"])
        left -= taken
        if not left:
            break
    if left:
        raise ValidationError({"approved_amount": _("More than is left of the grant cannot be approved.")})
    number = (grant.instalments.aggregate(last=Max("number"))["last"] or 0) + 1
    return Instalment.objects.create(
        grant=grant,
        number=number,
        amount=amount,
        condition=Decision.InstalmentCondition.IN_ARREARS,
        status=InstalmentStatus.DUE,
    )


def _claimed_back(grant: Grant, ledger) -> Decimal:
    """What has come back or is claimed back and not yet received."""
    return ledger.returned + _sum(grant.return_claims.filter(received_on__isnull=True))


def _paid_from(grant: Grant, amount: Decimal) -> list[tuple[datetime.date, Decimal]]:
    """The payments a returned amount is taken from, latest first, as (payment day, part of the amount).

    Interest of 24 § runs from the day the grant was paid; when it was paid in parts, the amount returned is taken
    from the latest payments first, which reckons the least interest (docs/interest.md)."""
    parts, left = [], amount
    paid = grant.instalments.filter(status=InstalmentStatus.PAID).order_by("-paid_on", "-number")
    already = _claimed_back(grant, selectors.ledger_of(grant))
    for instalment in paid:
        available = instalment.amount
        if already:
            used = min(already, available)
            available -= used
            already -= used
        if not available or not left:
            continue
        part = min(left, available)
        parts.append((instalment.paid_on, part))
        left -= part
    return parts


@transaction.atomic
def return_claim_create(
    *,
    grant: Grant,
    ground: str,
    amount: Decimal,
    due_date: datetime.date,
    learned_on: datetime.date,
    reasons: str,
    acting_user,
    grounds: RecoveryGrounds | None = None,
) -> ReturnClaim:
    """Decide a return (20 §) or a recovery (21–22 §): payments stop, the amount is claimed back with the interest
    of 24 § from the payments it is taken from up to the due date, every line kept for the decision. Decided on
    noted `grounds`, it takes their ground and day of learning and closes them. The decision document is made and
    sent to the recipient by a task once the transaction commits."""
    grant = _locked_grant(grant)
    if not acting_user.has_perm("payments.claim_return", grant.decision):
        raise PermissionDenied
    today = helsinki_today()
    errors = {}
    if grounds is not None:
        grounds = RecoveryGrounds.objects.select_for_update().get(pk=grounds.pk)
        if grounds.grant_id != grant.pk or not grounds.is_open:
            raise ValidationError(
                _("These grounds are closed or belong to another grant."), code="grounds_not_open"
            )
        if (ground, learned_on) != (grounds.ground, grounds.learned_on):
            raise ValidationError(
                _("The grounds were noted as %(ground)s, learned on %(day)s: a claim on them keeps both.")
                % {
                    "ground": grounds.get_ground_display(),
                    "day": date_format(grounds.learned_on, "SHORT_DATE_FORMAT"),
                },
                code="grounds_differ",
            )
    ledger = selectors.ledger_of(grant)
    returnable = ledger.paid - _claimed_back(grant, ledger)
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons of the decision.")
    if amount <= 0 or amount > returnable:
        errors["amount"] = _(
            "The amount must be more than 0 and at most what was paid and not yet claimed, %(most)s."
        ) % {"most": format_euros(returnable)}
    elif ground in ReturnGround.return_duty() and amount <= NOT_RECLAIMED_AT_MOST:
        errors["amount"] = _("An amount of 100 € or less is not reclaimed (section 20).")
    if due_date < today:
        errors["due_date"] = _("The due date cannot be in the past.")
    errors.update(_learned_in_time(learned_on, today))
    limit = selectors.recovery_limit(grant)
    if limit is not None and limit.recoverable_until < today:
        errors["due_date"] = _(
            "Ten years have passed since the last payment on %(day)s: the grant can no longer be recovered (section 29)."
        ) % {"day": date_format(limit.last_payment_on, "SHORT_DATE_FORMAT")}
    if errors:
        raise ValidationError(errors)
    lines, total = [], Decimal("0.00")
    for paid_on, part in _paid_from(grant, amount):
        reckoned = calculate_interest(
            amount=part,
            start=paid_on,
            end=due_date,
            kind=InterestKind.GRANT,
            rates=selectors.reference_rates(paid_on, due_date),
        )
        total += reckoned.total
        lines += [
            {
                "paid_on": paid_on.isoformat(),
                "amount": str(part),
                "first_day": period.first_day.isoformat(),
                "last_day": period.last_day.isoformat(),
                "days": period.days,
                "rate": str(period.rate),
                "interest": str(period.interest),
            }
            for period in reckoned.periods
        ]
    claim = ReturnClaim.objects.create(
        grant=grant,
        ground=ground,
        amount=amount,
        due_date=due_date,
        learned_on=learned_on,
        reasons=reasons.strip(),
        interest=total,
        interest_lines=lines,
        decided_by=acting_user,
        language=grant.decision.language,
    )
    if grounds is not None:
        grounds.claim = claim
        grounds.closed_by = acting_user
        grounds.closed_at = timezone.now()
        grounds.save(update_fields=["claim", "closed_by", "closed_at"])
    unpaid = _unpaid(grant).exclude(pk__in=_committed(grant).values("pk"))
    _record(grant, LedgerKind.CHANGED, -_sum(unpaid), today)
    unpaid.update(status=InstalmentStatus.CANCELLED)
    _record(grant, LedgerKind.RECLAIMED, -amount, today)
    audit(
        acting_user=acting_user,
        action="return_claim.decided",
        target=claim,
        amount=amount,
        interest=total,
        grounds=grounds.pk if grounds else None,
    )
    transaction.on_commit(lambda: make_return_decision.enqueue(claim_id=claim.pk))
    return claim


@transaction.atomic
def return_claim_received(*, claim: ReturnClaim, received_on: datetime.date, acting_user) -> ReturnClaim:
    """Record the day the money came back; a day after the due date adds the penalty interest of 25 §."""
    _require(acting_user, "payments.prepare_payments")
    claim = ReturnClaim.objects.select_for_update().select_related("grant").get(pk=claim.pk)
    if claim.received_on is not None:
        raise ValidationError(_("This return has already been recorded."), code="already_received")
    if received_on > helsinki_today():
        raise ValidationError({"received_on": _("The day the money came back cannot be in the future.")})
    penalty = Decimal("0.00")
    if received_on > claim.due_date:
        penalty = calculate_interest(
            amount=claim.amount,
            start=claim.due_date + datetime.timedelta(days=1),
            end=received_on + datetime.timedelta(days=1),
            kind=InterestKind.PENALTY,
            rates=selectors.reference_rates(claim.due_date, received_on),
        ).total
    claim.received_on = received_on
    claim.penalty_interest = penalty
    claim.save(update_fields=["received_on", "penalty_interest"])
    _record(claim.grant, LedgerKind.RETURNED, claim.amount, received_on)
    audit(acting_user=acting_user, action="return_claim.received", target=claim, penalty_interest=penalty)
    return claim


def report_approved(*, grant: Grant) -> None:
    """An approved report releases the instalments that waited for it. Called by the report's approval, inside
    its transaction."""
    _make_due(_locked_grant(grant))


def _paid_or_on_its_way(grant: Grant) -> Decimal:
    return _sum(grant.instalments.filter(status__in=[InstalmentStatus.PAID, InstalmentStatus.IN_BATCH]))


def settlement_of(grant: Grant, accepted_costs: Decimal) -> Settlement:
    """The settlement the final report's accepted costs would give now. Money in a batch counts as paid; money
    returned or claimed back counts neither as paid nor as taken from the award, so that it is not claimed twice."""
    ledger = selectors.ledger_of(grant)
    claimed_back = -ledger.by_kind.get(LedgerKind.RECLAIMED, Decimal("0"))
    return settle(
        accepted_costs=accepted_costs,
        max_share_percent=grant.decision.max_share_percent,
        awarded=ledger.in_force + claimed_back,
        paid=_paid_or_on_its_way(grant) - claimed_back,
    )


def grant_settle(*, grant: Grant, accepted_costs: Decimal, acting_user) -> Settlement:
    """Settle the grant from its approved final report: the payments not yet made are replaced by one instalment of
    what is still to pay, and the award in force becomes what the grant earned (or what was paid, where more was
    paid: that is returned through a return claim). Called by the final report's approval, inside its
    transaction, which then releases the new instalment (`report_approved`)."""
    grant = _locked_grant(grant)
    settlement = settlement_of(grant, accepted_costs)
    today = helsinki_today()
    _unpaid(grant).update(status=InstalmentStatus.CANCELLED)
    in_force = _in_force(grant)
    _record(grant, LedgerKind.CHANGED, max(settlement.earned, settlement.paid) - in_force, today)
    if settlement.to_pay:
        Instalment.objects.create(
            grant=grant,
            number=(grant.instalments.aggregate(last=Max("number"))["last"] or 0) + 1,
            amount=settlement.to_pay,
            condition=Decision.InstalmentCondition.AFTER_FINAL_REPORT,
        )
    audit(
        acting_user=acting_user,
        action="grant.settled",
        target=grant,
        accepted_costs=str(settlement.accepted_costs),
        earned=str(settlement.earned),
        to_pay=str(settlement.to_pay),
        to_return=str(settlement.to_return),
    )
    return settlement


def _learned_in_time(learned_on: datetime.date, today: datetime.date) -> dict:
    """The refusal of a day of learning in the future or more than the year of 29 § ago, by field; empty if fine."""
    if learned_on > today:
        return {"learned_on": _("The day the grounds were learned cannot be in the future.")}
    decide_by = shift_years(learned_on, RECOVERY_YEARS_AFTER_LEARNING)
    if decide_by < today:
        return {
            "learned_on": _(
                "A recovery is decided within a year of learning its grounds (section 29); that year ended on %(day)s."
            )
            % {"day": date_format(decide_by, "SHORT_DATE_FORMAT")}
        }
    return {}


@transaction.atomic
def recovery_grounds_note(
    *, grant: Grant, ground: str, learned_on: datetime.date, description: str, acting_user
) -> RecoveryGrounds:
    """Note that grounds for a return or recovery have come to light, before deciding on them: from the day they
    were learned the authority has a year to decide (29 §), and the pages warn in its last three months."""
    grant = _locked_grant(grant)
    if not acting_user.has_perm("payments.note_recovery_grounds", grant.decision):
        raise PermissionDenied
    errors = _learned_in_time(learned_on, helsinki_today())
    if ground not in ReturnGround.values:
        errors["ground"] = _("Choose the ground of the law.")
    if not description.strip():
        errors["description"] = _("Describe what came to light.")
    if errors:
        raise ValidationError(errors)
    grounds = RecoveryGrounds.objects.create(
        grant=grant,
        ground=ground,
        learned_on=learned_on,
        description=description.strip(),
        noted_by=acting_user,
    )
    audit(
        acting_user=acting_user,
        action="recovery_grounds.noted",
        target=grounds,
        ground=ground,
        learned_on=learned_on,
    )
    return grounds


@transaction.atomic
def recovery_grounds_close(*, grounds: RecoveryGrounds, reasons: str, acting_user) -> RecoveryGrounds:
    """Record that no return or recovery will be decided on the grounds, with the reasons."""
    grounds = RecoveryGrounds.objects.select_for_update().select_related("grant__decision").get(pk=grounds.pk)
    if not acting_user.has_perm("payments.note_recovery_grounds", grounds.grant.decision):
        raise PermissionDenied
    if not grounds.is_open:
        raise ValidationError(_("These grounds have already been closed."), code="already_closed")
    reasons = reasons.strip()
    if not reasons:
        raise ValidationError({"reasons": _("Give the reasons for making no claim.")})
    grounds.no_claim_reasons = reasons
    grounds.closed_by = acting_user
    grounds.closed_at = timezone.now()
    grounds.save(update_fields=["no_claim_reasons", "closed_by", "closed_at"])
    audit(
        acting_user=acting_user,
        action="recovery_grounds.closed_without_claim",
        target=grounds,
        reasons=reasons,
    )
    return grounds


@transaction.atomic
def voluntary_return_announce(*, grant: Grant, amount: Decimal, reasons: str, acting_user) -> VoluntaryReturn:
    """A member of the recipient announces that it returns money of the grant (20 §); an official records it as
    a return, with the interest of 24 §."""
    grant = _locked_grant(grant)
    if not acting_user.has_perm("payments.announce_return", grant):
        raise PermissionDenied
    errors = {}
    returnable = selectors.returnable(grant)
    if returnable <= 0:
        raise ValidationError(_("Nothing paid of the grant is left to return."), code="nothing_to_return")
    if amount <= NOT_RECLAIMED_AT_MOST:
        errors["amount"] = _("An amount of 100 € or less need not be returned (section 20).")
    elif amount > returnable:
        errors["amount"] = _("At most %(most)s of what was paid is left to return.") % {
            "most": format_euros(returnable)
        }
    if not reasons.strip():
        errors["reasons"] = _("Tell us why the money is returned.")
    if errors:
        raise ValidationError(errors)
    announcement = VoluntaryReturn.objects.create(
        grant=grant, amount=amount, reasons=reasons.strip(), announced_by=acting_user
    )
    audit(acting_user=acting_user, action="voluntary_return.announced", target=announcement, amount=amount)
    return announcement


@transaction.atomic
def voluntary_return_record(
    *, voluntary_return: VoluntaryReturn, ground: str, due_date: datetime.date, reasons: str, acting_user
) -> ReturnClaim:
    """An official decides the announced return on a ground of 20 §: the announcement's amount, the grounds learned
    on the day it was announced, the interest of 24 § and the return decision as for any claim."""
    voluntary_return = (
        VoluntaryReturn.objects.select_for_update().select_related("grant").get(pk=voluntary_return.pk)
    )
    if not acting_user.has_perm("payments.claim_return", voluntary_return.grant.decision):
        raise PermissionDenied
    if voluntary_return.claim_id is not None:
        raise ValidationError(_("This return has already been recorded."), code="already_recorded")
    if ground not in ReturnGround.return_duty():
        raise ValidationError({"ground": _("A voluntary return is decided on a ground of section 20.")})
    claim = return_claim_create(
        grant=voluntary_return.grant,
        ground=ground,
        amount=voluntary_return.amount,
        due_date=due_date,
        learned_on=voluntary_return.announced_on,
        reasons=reasons.strip() or voluntary_return.reasons,
        acting_user=acting_user,
    )
    voluntary_return.claim = claim
    voluntary_return.save(update_fields=["claim"])
    audit(
        acting_user=acting_user, action="voluntary_return.recorded", target=voluntary_return, claim=claim.pk
    )
    return claim
