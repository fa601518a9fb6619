"""Payments through the State's invoice circulation (Handi): an approved batch becomes one invoice message per
payment (`batch_send`), delivered over SFTP in the background (`deliver_invoices`); the circulation's confirmations
are fetched on a schedule (`fetch_confirmations`) and mark each payment paid on its day, or rejected.

Nothing is paid twice: an instalment has at most one invoice standing (made, delivered or paid; a database
constraint), each invoice is delivered under its own file name and long reference, and an answer already applied
is not applied again. A rejected payment is due again and goes in a later batch as a new attempt."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from avustamo.core.permissions import require_permission
from avustamo.core.transitions import transition
from avustamo.payments.invoice_message import (
    InvalidInvoice,
    UnreadableConfirmation,
    file_name,
    invoice_xml,
    long_reference,
    read_confirmation,
)
from avustamo.payments.models import (
    BatchStatus,
    ConfirmationFile,
    ConfirmationOutcome,
    Instalment,
    InstalmentStatus,
    Invoice,
    InvoiceStatus,
    PaymentBatch,
)
from avustamo.payments.services.batches import book_payments
from avustamo.payments.sftp import InvoiceCirculationServer, TransportError
from avustamo.programmes.models import PaymentChannel


@transaction.atomic
def batch_send(*, batch: PaymentBatch, acting_user) -> PaymentBatch:
    """Make the approved batch's invoice messages, each checked against the schema, and send them in the
    background. The batch is then sent: its messages are never made again."""
    from avustamo.payments.tasks import deliver_batch

    require_permission(acting_user, "payments.prepare_payments")
    batch = (
        PaymentBatch.objects.select_for_update(of=("self",))
        .select_related("agency", "prepared_by", "approved_by")
        .get(pk=batch.pk)
    )
    if batch.agency.payment_channel != PaymentChannel.INVOICE_CIRCULATION:
        raise ValidationError(
            _("%(agency)s pays from its own bank account: download the batch's credit transfer instead.")
            % {"agency": batch.agency.code},
            code="credit_transfer",
        )
    if batch.status != BatchStatus.APPROVED or batch.credit_transfer:
        raise ValidationError(
            _("Only an approved batch not yet sent can be sent to the invoice circulation."),
            code="not_sendable",
        )
    instalments = list(batch.instalments.select_related("grant__application__organisation").order_by("pk"))
    attempts = dict(
        Invoice.objects.filter(instalment__in=instalments)
        .values_list("instalment")
        .annotate(last=Max("attempt"))
    )
    invoices = []
    for instalment in instalments:
        application = instalment.grant.application
        attempt = attempts.get(instalment.pk, 0) + 1
        reference = long_reference(application.register_number, instalment.number, attempt)
        try:
            message = invoice_xml(
                reference=reference, instalment=instalment, batch=batch, organisation=application.organisation
            )
        except InvalidInvoice as problem:
            raise ValidationError(
                _("The payment %(reference)s makes no valid invoice message: %(reason)s")
                % {"reference": reference, "reason": problem.reason},
                code="invalid_invoice",
            ) from problem
        invoices.append(
            Invoice(
                instalment=instalment,
                batch=batch,
                attempt=attempt,
                long_reference=reference,
                file_name=file_name(reference),
                message=message,
                amount=instalment.amount,
            )
        )
    Invoice.objects.bulk_create(invoices)
    transition(batch, "send", acting_user=acting_user, locked=True, invoices=len(invoices))
    transaction.on_commit(lambda: deliver_batch.enqueue(batch_id=batch.pk))
    return batch


@dataclass
class Delivery:
    delivered: list[str] = field(default_factory=list)
    already_there: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        """The invoices now on the server: put there now, or found there from before an interruption."""
        return len(self.delivered) + len(self.already_there)


def deliver_invoices(*, batch_id: int | None = None) -> Delivery:
    """Deliver the invoices made and not yet delivered (of one batch, or all), each in its own transaction under
    a lock of its row, so that two deliveries at once never put the same invoice twice. An unreachable server is
    noted on the batches left waiting, for their pages, and raised as TransportError; delivering again later
    goes on where this one stopped."""
    waiting = Invoice.objects.filter(status=InvoiceStatus.MADE)
    if batch_id is not None:
        waiting = waiting.filter(batch_id=batch_id)
    pending = list(waiting.order_by("pk").values_list("pk", flat=True))
    result = Delivery()
    if not pending:
        return result
    try:
        with InvoiceCirculationServer() as server:
            for pk in pending:
                with transaction.atomic():
                    invoice = (
                        Invoice.objects.select_for_update(skip_locked=True)
                        .filter(pk=pk, status=InvoiceStatus.MADE)
                        .first()
                    )
                    if invoice is None:
                        continue
                    if server.deliver(invoice.file_name, bytes(invoice.message)):
                        result.delivered.append(invoice.long_reference)
                    else:
                        result.already_there.append(invoice.long_reference)
                    transition(
                        invoice,
                        "deliver",
                        acting_user=None,
                        changes={"sent_at": timezone.now()},
                        locked=True,
                        file=invoice.file_name,
                    )
    except TransportError as error:
        batches = Invoice.objects.filter(status=InvoiceStatus.MADE, pk__in=pending).values("batch")
        PaymentBatch.objects.filter(pk__in=batches).update(delivery_error=str(error))
        raise
    delivered_batches = Invoice.objects.filter(pk__in=pending).values("batch")
    PaymentBatch.objects.filter(pk__in=delivered_batches).exclude(invoices__status=InvoiceStatus.MADE).update(
        delivery_error=""
    )
    return result


def batch_deliver_again(*, batch: PaymentBatch, acting_user) -> Delivery:
    """A finance officer's retry of a batch whose delivery failed: what is still waiting is delivered now."""
    require_permission(acting_user, "payments.prepare_payments")
    if batch.status != BatchStatus.SENT:
        raise ValidationError(
            _("Only a batch sent to the invoice circulation has invoices to deliver."), code="not_sent"
        )
    return deliver_invoices(batch_id=batch.pk)


def confirmations_fetch(*, acting_user) -> "Fetched":
    """A finance officer's fetch of the confirmations now, without waiting for the scheduled one."""
    require_permission(acting_user, "payments.prepare_payments")
    return fetch_confirmations()


@dataclass
class Fetched:
    outcomes: dict[str, str] = field(default_factory=dict)

    def count(self, outcome: str) -> int:
        return sum(1 for value in self.outcomes.values() if value == outcome)


def fetch_confirmations() -> Fetched:
    """Fetch the confirmation files waiting in the circulation's incoming folder, apply each in its own
    transaction, and move it aside. A file fetched before (its moving aside failed) is only moved aside."""
    result = Fetched()
    with InvoiceCirculationServer() as server:
        for name in server.incoming():
            if not ConfirmationFile.objects.filter(name=name).exists():
                result.outcomes[name] = apply_confirmation(name, server.read(name))
            server.move_aside(name)
    return result


@transaction.atomic
def apply_confirmation(name: str, content: bytes) -> str:
    """Record one confirmation file and what it says: its invoice paid on its day (the payment then in the
    grant's ledger and postings), or rejected (the instalment due again, for a later batch). A file matching no
    invoice, or answering one already answered, changes nothing and is kept for the reconciliation page."""
    record = ConfirmationFile(name=name, content=content)
    try:
        confirmation = read_confirmation(content)
    except UnreadableConfirmation as error:
        record.outcome, record.detail = ConfirmationOutcome.UNREADABLE, str(error)
        record.save()
        return record.outcome
    record.long_reference = confirmation.long_reference
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("batch", "instalment")
        .filter(long_reference=confirmation.long_reference)
        .first()
    )
    record.invoice = invoice
    if invoice is None:
        record.outcome = ConfirmationOutcome.UNMATCHED
    elif invoice.status not in (InvoiceStatus.MADE, InvoiceStatus.SENT):
        record.outcome = ConfirmationOutcome.ALREADY_ANSWERED
        record.detail = invoice.get_status_display()
    elif confirmation.paid:
        _paid(invoice, confirmation.paid_on)
        record.outcome = ConfirmationOutcome.PAID
    else:
        _rejected(invoice, confirmation.rejection_reason)
        record.outcome, record.detail = ConfirmationOutcome.REJECTED, confirmation.rejection_reason
    record.save()
    if invoice is not None and record.outcome in (ConfirmationOutcome.PAID, ConfirmationOutcome.REJECTED):
        _close_answered_batch(invoice.batch)
    return record.outcome


def _paid(invoice: Invoice, paid_on: datetime.date) -> None:
    instalment = Instalment.objects.select_for_update().get(pk=invoice.instalment_id)
    transition(
        invoice,
        "pay",
        acting_user=None,
        changes={"paid_on": paid_on, "answered_at": timezone.now()},
        locked=True,
        paid_on=paid_on,
        amount=invoice.amount,
    )
    Instalment.objects.filter(pk=instalment.pk).update(status=InstalmentStatus.PAID, paid_on=paid_on)
    book_payments(invoice.batch, [instalment], paid_on)


def _rejected(invoice: Invoice, reason: str) -> None:
    transition(
        invoice,
        "reject",
        acting_user=None,
        changes={"rejection_reason": reason, "answered_at": timezone.now()},
        locked=True,
        reason=reason,
    )
    # Back among the payments due, out of the batch, with its payee and posting to be read again when batched.
    Instalment.objects.filter(pk=invoice.instalment_id, status=InstalmentStatus.IN_BATCH).update(
        status=InstalmentStatus.DUE, batch=None
    )


def _close_answered_batch(batch: PaymentBatch) -> None:
    if (
        batch.status == BatchStatus.SENT
        and not batch.invoices.filter(status__in=(InvoiceStatus.MADE, InvoiceStatus.SENT)).exists()
    ):
        transition(batch, "answered", acting_user=None)
