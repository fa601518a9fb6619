"""Payment batches under four eyes: prepared from the due instalments that have complete accounting postings,
approved by a second finance officer, then sent to the State's invoice circulation (`invoicing`) or, for an
agency paying from its own bank account, exported as an ISO 20022 credit transfer and marked paid."""

import datetime
import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer

from avustamo.core.audit import audit
from avustamo.core.dates import banking_day_from, format_day, helsinki_today, is_banking_day
from avustamo.core.permissions import require_permission
from avustamo.core.transitions import transition
from avustamo.grants.selectors import grants_lacking_agreements
from avustamo.payments.accounting import AccountBook
from avustamo.payments.models import (
    BatchStatus,
    Instalment,
    InstalmentStatus,
    LedgerEntry,
    LedgerKind,
    PaymentBatch,
    PaymentSuspension,
    Posting,
    PostingPurpose,
    suspensions_in_force_on,
)
from avustamo.programmes.models import Agency, PaymentChannel
from avustamo.programmes.selectors import paying_agency_of


@transaction.atomic
def batch_prepare(*, agency: Agency, execution_date: datetime.date, acting_user) -> PaymentBatch:
    """Gather every instalment due from the agency's grants into a new batch, to be approved by a second person.

    An instalment joins a batch by one conditional update, so two finance officers preparing batches at the same
    moment never put the same payment in both."""
    require_permission(acting_user, "payments.prepare_payments")
    if execution_date < helsinki_today():
        raise ValidationError({"execution_date": _("The day of payment cannot be in the past.")})
    if not is_banking_day(execution_date):
        raise ValidationError(
            {
                "execution_date": _("Banks do not pay on %(day)s: the next banking day is %(next)s.")
                % {"day": format_day(execution_date), "next": format_day(banking_day_from(execution_date))}
            }
        )
    if agency.payment_channel == PaymentChannel.CREDIT_TRANSFER and not (
        agency.payment_iban and agency.payment_bic and agency.payment_service_code
    ):
        raise ValidationError(
            _(
                "Enter the IBAN and BIC of the account %(agency)s pays grants from, and its service code in the "
                "bank's payment service, before preparing payments."
            )
            % {"agency": agency.code},
            code="no_payer_account",
        )
    if agency.payment_channel == PaymentChannel.INVOICE_CIRCULATION and not agency.invoice_edi_code:
        raise ValidationError(
            _("Enter the EDI address %(agency)s receives invoices at in the invoice circulation first.")
            % {"agency": agency.code},
            code="no_edi_code",
        )
    # A grant whose payments are suspended (19 §) on the day of preparing or of payment stays out of the batch.
    today = helsinki_today()
    suspended = PaymentSuspension.objects.filter(
        suspensions_in_force_on(today) | suspensions_in_force_on(execution_date)
    ).values("grant")
    # The agency pays the grants of the calls it is the paying authority of, whoever decided them.
    due = list(
        Instalment.objects.annotate(payer=paying_agency_of("grant__application__call"))
        .filter(status=InstalmentStatus.DUE, payer=agency.pk)
        .exclude(grant__in=suspended)
        # Nor is the grant paid before the written agreement with each co-implementer it passes money on to is on
        # file (688/2001 7 § 3); the payments page names the missing ones.
        .exclude(grant__in=grants_lacking_agreements())
        .select_related("grant__application__call__programme", "grant__application__organisation")
    )
    # A payment is booked where its call and the recipient's kind say, in the deciding agency's accounts (its
    # appropriation pays the grant); one lacking a code waits out of the batch, and the payments page says what it
    # lacks.
    book = AccountBook.of({instalment.grant.application.call.programme.agency_id for instalment in due})
    postings = {}
    for instalment in due:
        codes = book.payment_codes(instalment)
        if not codes.missing:
            postings[instalment.pk] = codes.as_dict()
    if due and not postings:
        raise ValidationError(
            _(
                "No payment of %(agency)s can be batched: each lacks a code of its accounting posting. The list "
                "of payments due says what is missing."
            )
            % {"agency": agency.code},
            code="postings_incomplete",
        )
    batch = PaymentBatch.objects.create(agency=agency, execution_date=execution_date, prepared_by=acting_user)
    # The conditions stand on the instalment's own row, without joins, so that PostgreSQL checks them again on a
    # row another batch has just taken, and skips it.
    taken = Instalment.objects.filter(
        pk__in=postings, status=InstalmentStatus.DUE, batch__isnull=True
    ).update(batch=batch, status=InstalmentStatus.IN_BATCH)
    if not taken:
        raise ValidationError(
            _("No payment of %(agency)s is due.") % {"agency": agency.code}, code="nothing_due"
        )
    instalments = list(batch.instalments.select_related("grant__application__organisation"))
    for instalment in instalments:
        application = instalment.grant.application
        instalment.payee_name = application.applicant_name or application.organisation.name
        instalment.payee_iban = application.organisation.iban
        instalment.posting = postings[instalment.pk]
    Instalment.objects.bulk_update(instalments, ["payee_name", "payee_iban", "posting"])
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
    require_permission(acting_user, "payments.approve_payments")
    batch = _locked_batch(batch)
    if batch.status != BatchStatus.PREPARED:
        raise ValidationError(_("This batch has already been approved."), code="already_approved")
    if batch.prepared_by_id == acting_user.pk:
        raise ValidationError(
            _("A batch is approved by a second person, not by the one who prepared it."), code="four_eyes"
        )
    if not batch.instalments.exists():
        raise ValidationError(
            _("Nothing is left in this batch to pay: its payments were suspended after it was prepared."),
            code="empty_batch",
        )
    transition(
        batch,
        "approve",
        acting_user=acting_user,
        changes={"approved_by": acting_user, "approved_at": timezone.now()},
    )
    return batch


def _remittance(instalment: Instalment, count: int) -> str:
    application = instalment.grant.application
    return f"{application.register_number} {instalment.number}/{count} {application.call.reference}"


class _BatchTransfer(SepaTransfer):
    """sepaxml's credit transfer with the batch's own reference as its message id, which banks use to refuse a file
    sent twice (sepaxml would draw a random one while building the header)."""

    def __init__(self, config: dict, *, message_id: str, service_code: str):
        self._message_id = message_id
        self._service_code = service_code
        super().__init__(config, schema="pain.001.001.03", clean=True)

    def _create_header(self):
        self.msg_id = self._message_id
        super()._create_header()
        # Finnish banks know the sender of a file by the service code of its payment service agreement, given as
        # the initiating party's identification of the scheme BANK; sepaxml writes only the name.
        initiating_party = self._xml.find("CstmrCdtTrfInitn/GrpHdr/InitgPty")
        other = ET.SubElement(ET.SubElement(ET.SubElement(initiating_party, "Id"), "OrgId"), "Othr")
        ET.SubElement(other, "Id").text = self._service_code
        ET.SubElement(ET.SubElement(other, "SchmeNm"), "Cd").text = "BANK"


def _credit_transfer(batch: PaymentBatch) -> bytes:
    agency = batch.agency
    config = {
        "name": agency.name_fi,
        "IBAN": agency.payment_iban,
        "BIC": agency.payment_bic,
        "batch": True,
        "currency": "EUR",
    }
    transfer = _BatchTransfer(config, message_id=batch.reference, service_code=agency.payment_service_code)
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
    require_permission(acting_user, "payments.prepare_payments")
    batch = _locked_batch(batch)
    if batch.status == BatchStatus.PREPARED:
        raise ValidationError(_("The batch must be approved by a second person first."), code="not_approved")
    # A file made before the agency moved to the invoice circulation stays downloadable as it was made.
    if not batch.credit_transfer and (
        batch.agency.payment_channel != PaymentChannel.CREDIT_TRANSFER or batch.invoices.exists()
    ):
        raise ValidationError(
            _(
                "%(agency)s pays through the State's invoice circulation: its batches are sent there, not to a bank."
            )
            % {"agency": batch.agency.code},
            code="invoice_circulation",
        )
    if not batch.credit_transfer:
        batch.credit_transfer = _credit_transfer(batch)
        batch.exported_at = timezone.now()
        batch.save(update_fields=["credit_transfer", "exported_at"])
        audit(acting_user=acting_user, action="payment_batch.exported", target=batch)
    return bytes(batch.credit_transfer)


@transaction.atomic
def batch_mark_paid(*, batch: PaymentBatch, paid_on: datetime.date, acting_user) -> PaymentBatch:
    """Record the day the bank paid the batch; its instalments are then paid."""
    require_permission(acting_user, "payments.prepare_payments")
    batch = _locked_batch(batch)
    if batch.status != BatchStatus.APPROVED or not batch.credit_transfer:
        raise ValidationError(
            _("Only an approved batch sent to the bank can be marked paid."), code="not_sent"
        )
    if paid_on > helsinki_today():
        raise ValidationError({"paid_on": _("The day of payment cannot be in the future.")})
    transition(batch, "mark_paid", acting_user=acting_user, changes={"paid_on": paid_on}, paid_on=paid_on)
    instalments = list(batch.instalments.all())
    batch.instalments.update(status=InstalmentStatus.PAID, paid_on=paid_on)
    book_payments(batch, instalments, paid_on)
    return batch


def book_payments(batch: PaymentBatch, instalments: list[Instalment], paid_on: datetime.date) -> None:
    """The payments of `batch` made on `paid_on`, in the grants' ledgers and in the postings, each with the codes
    fixed when it joined the batch."""
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            grant_id=instalment.grant_id,
            kind=LedgerKind.PAID,
            amount=-instalment.amount,
            occurred_on=paid_on,
            batch=batch,
        )
        for instalment in instalments
    )
    Posting.objects.bulk_create(
        Posting(
            grant_id=instalment.grant_id,
            purpose=PostingPurpose.TRANSFER,
            amount=instalment.amount,
            booked_on=paid_on,
            instalment=instalment,
            batch=batch,
            **instalment.posting,
        )
        for instalment in instalments
    )
