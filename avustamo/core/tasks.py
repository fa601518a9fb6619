"""The outbox: every email is stored in the transaction that causes it and sent by the task worker after commit.

An email is claimed by one conditional update before it is sent, so two workers, a retry or the cron command
never send it twice. A failure is kept with its error and retried by `manage.py send_outbox`.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from avustamo.core.models import OutboundEmail
from avustamo.core.task_runs import resumable

logger = logging.getLogger(__name__)

REMOVED_SECRET = "[The message held a single-use link and was removed after sending.]"
MAX_ATTEMPTS = 8


def queue_email(
    *,
    key: str,
    template: str,
    context: dict,
    recipient: str,
    language: str,
    attachment: str = "",
    attachment_name: str = "",
    holds_secret: bool = False,
) -> OutboundEmail:
    """Render `<template>_subject.txt` and `_body.txt` in `language` into the outbox; sent after commit.

    The same `key` queues nothing new. `holds_secret` (a sign-in or invitation link) blanks the stored body once
    the email has gone.
    """
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    email, created = OutboundEmail.objects.get_or_create(
        key=key[:120],
        defaults={
            "recipient": recipient,
            "language": language,
            "subject": subject[:255],
            "body": body,
            "attachment": attachment,
            "attachment_name": attachment_name,
            "holds_secret": holds_secret,
        },
    )
    if created:
        transaction.on_commit(lambda: deliver_email.enqueue(email_id=email.pk))
    return email


def _claim(email_id: int) -> bool:
    return bool(
        OutboundEmail.objects.filter(
            pk=email_id, status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.FAILED]
        ).update(status=OutboundEmail.Status.SENDING)
    )


def deliver(email_id: int) -> bool:
    """Send one email from the outbox if nobody has; True when this call sent it."""
    if not _claim(email_id):
        return False
    email = OutboundEmail.objects.get(pk=email_id)
    message = EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.recipient])
    try:
        if email.attachment:
            with default_storage.open(email.attachment, "rb") as stored:
                message.attach(email.attachment_name or "attachment.pdf", stored.read(), "application/pdf")
        message.send()
    except Exception as error:  # any failure of the mail server or storage is kept and retried later
        logger.warning("email %s failed: %s", email_id, error)
        OutboundEmail.objects.filter(pk=email_id).update(
            status=OutboundEmail.Status.FAILED, attempts=email.attempts + 1, last_error=str(error)[:2000]
        )
        return False
    OutboundEmail.objects.filter(pk=email_id).update(
        status=OutboundEmail.Status.SENT,
        attempts=email.attempts + 1,
        sent_at=timezone.now(),
        last_error="",
        **({"body": REMOVED_SECRET} if email.holds_secret else {}),
    )
    return True


# Safe to run again: an email interrupted while sending stays "sending" and is not sent twice (ADR 0006).
@resumable
@task()
def deliver_email(*, email_id: int) -> None:
    deliver(email_id)


def deliver_pending(*, older_than: timedelta = timedelta(minutes=1)) -> dict[str, int]:
    """Send what the worker has not: pending emails left behind and failed ones, up to MAX_ATTEMPTS tries."""
    cutoff = timezone.now() - older_than
    waiting = OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.FAILED],
        created_at__lt=cutoff,
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("pk", flat=True)
    sent = sum(deliver(email_id) for email_id in list(waiting))
    return {
        "sent": sent,
        "failed": OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count(),
        "stuck": OutboundEmail.objects.filter(
            status=OutboundEmail.Status.SENDING, created_at__lt=cutoff
        ).count(),
    }
