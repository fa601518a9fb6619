"""Decisions on a grant's money made in the background: returns and recoveries, suspensions of payments and their
ending, waivers, offsettings and payment-application decisions that refuse costs. Each PDF is made once, stored on
its decision and sent to the recipient by `send_to_recipient`."""

from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext_noop
from django_tasks import task

from avustamo.core.audit import audit
from avustamo.core.links import site_url
from avustamo.core.notices import notice_send
from avustamo.core.storage import save_whole_to
from avustamo.core.task_runs import resumable
from avustamo.core.tasks import queue_email
from avustamo.organisations.selectors import notice_addressee
from avustamo.payments.models import (
    ClaimOffset,
    ClaimWaiver,
    PaymentApplication,
    PaymentSuspension,
    ReturnClaim,
)

RETURN = "return"
SUSPENSION = "suspension"
SUSPENSION_END = "suspension_end"
WAIVER = "waiver"
OFFSET = "offset"
PAYMENT_APPLICATION = "payment_application"


@dataclass(frozen=True)
class MoneyDecision:
    """Where a kind of decision keeps its document and who made it; its template is payments/pdf/<kind>.html."""

    model: type[models.Model]
    document_field: str
    grant_path: str
    made_by: str
    title: str  # untranslated: translated where it is shown, in the recipient's language
    # Which of its record's decisions it is, for its notice (`core.DecisionNotice.part`).
    notice_part: str = ""


MONEY_DECISIONS = {
    RETURN: MoneyDecision(
        ReturnClaim, "document", "grant", "decided_by", gettext_noop("Return or recovery decision")
    ),
    SUSPENSION: MoneyDecision(
        PaymentSuspension, "document", "grant", "decided_by", gettext_noop("Decision to suspend payments")
    ),
    SUSPENSION_END: MoneyDecision(
        PaymentSuspension,
        "end_document",
        "grant",
        "ended_by",
        gettext_noop("Decision to end the suspension of payments"),
        notice_part="end",
    ),
    WAIVER: MoneyDecision(
        ClaimWaiver, "document", "claim__grant", "decided_by", gettext_noop("Decision on a reduction")
    ),
    OFFSET: MoneyDecision(
        ClaimOffset, "document", "claim__grant", "decided_by", gettext_noop("Decision on offsetting")
    ),
    PAYMENT_APPLICATION: MoneyDecision(
        PaymentApplication,
        "document",
        "grant",
        "decided_by",
        gettext_noop("Decision on a payment application"),
    ),
}


def grant_of(decision) -> models.Model:
    return decision.claim.grant if hasattr(decision, "claim") else decision.grant


def decision_file_name(kind: str, decision) -> str:
    number = grant_of(decision).application.register_number.replace("/", "-")
    return f"{kind.replace('_', '-')}-decision-{number}-{decision.pk}-{decision.language}.pdf"


def send_to_recipient(*, kind: str, decision, document_name: str, file_name: str) -> None:
    """Send a decision on the grant's money to the recipient: the one step every such decision takes after its
    document is stored: its notice (electronic, or a letter the registry posts) and the email."""
    application = grant_of(decision).application
    notice_send(
        decision,
        part=MONEY_DECISIONS[kind].notice_part,
        **notice_addressee(application.organisation),
        register_number=application.register_number,
        title=MONEY_DECISIONS[kind].title,
        language=decision.language,
        document=document_name,
        acting_user=getattr(decision, MONEY_DECISIONS[kind].made_by),
    )
    template = "payments/email/return_decided" if kind == RETURN else "payments/email/money_decision"
    queue_email(
        key=f"{kind}-decided:{decision.pk}",
        template=template,
        context={
            "application": application,
            "claim": decision,
            "decision": decision,
            "title": MONEY_DECISIONS[kind].title,
            "url": site_url("applications:decision", language=decision.language, pk=application.pk),
        },
        recipient=application.submitted_by.email,
        language=decision.language,
        attachment=document_name,
        attachment_name=file_name,
    )


@transaction.atomic
def money_decision_publish(kind: str, pk: int) -> bool:
    """Make the decision's document, store it and send it to the recipient. False when already done, so a retried
    task never makes a second document or a second email."""
    from avustamo.payments.documents import money_decision_pdf

    spec = MONEY_DECISIONS[kind]
    grant = spec.grant_path
    decision = (
        spec.model.objects.select_for_update(of=("self",))
        .select_related(
            f"{grant}__decision",
            f"{grant}__application__call__programme__agency",
            f"{grant}__application__submitted_by",
            f"{grant}__application__organisation",
            spec.made_by,
        )
        .get(pk=pk)
    )
    document = getattr(decision, spec.document_field)
    if document:
        return False
    name = decision_file_name(kind, decision)
    save_whole_to(document, name, money_decision_pdf(kind, decision))
    decision.save(update_fields=[spec.document_field])
    audit(
        acting_user=getattr(decision, spec.made_by),
        action=f"{spec.model._meta.model_name}.document_made",
        target=decision,
        kind=kind,
    )
    send_to_recipient(kind=kind, decision=decision, document_name=document.name, file_name=name)
    return True


@resumable
@task()
def make_money_decision(*, kind: str, pk: int) -> None:
    money_decision_publish(kind, pk)


@resumable
@task()
def deliver_batch(*, batch_id: int) -> None:
    """Deliver a sent batch's invoices to the invoice circulation; an unreachable server leaves them waiting, with
    the reason on the batch's page, for the next try (`manage.py exchange_invoice_circulation`, or the page)."""
    from avustamo.payments.services.invoicing import deliver_invoices
    from avustamo.payments.sftp import TransportError

    try:
        deliver_invoices(batch_id=batch_id)
    except TransportError:
        return
