"""Writes of payments and recovery, one module a subject; each checks its rule, writes an audit entry and returns
the new state. The public services are collected here, so that callers write `services.batch_approve(...)`."""

from avustamo.payments.services.batches import (
    batch_approve,
    batch_credit_transfer,
    batch_mark_paid,
    batch_prepare,
)
from avustamo.payments.services.claims import claim_offset, claim_waive
from avustamo.payments.services.instalments import report_approved
from avustamo.payments.services.invoicing import (
    batch_deliver_again,
    batch_send,
    confirmations_fetch,
    deliver_invoices,
    fetch_confirmations,
)
from avustamo.payments.services.payment_applications import (
    arrears_cap,
    arrears_left,
    payment_application_decide,
    payment_application_submit,
)
from avustamo.payments.services.rates import reference_rate_enter
from avustamo.payments.services.recovery import (
    recovery_grounds_close,
    recovery_grounds_note,
    return_claim_create,
    return_claim_received,
    voluntary_return_announce,
    voluntary_return_record,
)
from avustamo.payments.services.settlement import grant_settle, settlement_of
from avustamo.payments.services.suspension import payment_suspend, payment_suspension_end

__all__ = [
    "arrears_cap",
    "arrears_left",
    "batch_approve",
    "batch_credit_transfer",
    "batch_deliver_again",
    "batch_mark_paid",
    "batch_prepare",
    "batch_send",
    "claim_offset",
    "claim_waive",
    "confirmations_fetch",
    "deliver_invoices",
    "fetch_confirmations",
    "grant_settle",
    "payment_application_decide",
    "payment_application_submit",
    "payment_suspend",
    "payment_suspension_end",
    "recovery_grounds_close",
    "recovery_grounds_note",
    "reference_rate_enter",
    "report_approved",
    "return_claim_create",
    "return_claim_received",
    "settlement_of",
    "voluntary_return_announce",
    "voluntary_return_record",
]
