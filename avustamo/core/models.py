from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One attributed change: who did what to which object, and when.

    Written by the services in the same transaction as the change itself, so an entry exists exactly when the
    change does.
    """

    occurred_at = models.DateTimeField(_("occurred at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for changes made by the system itself, such as imports."),
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=80)
    target_id = models.CharField(_("target id"), max_length=64)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class OutboundEmail(models.Model):
    """An email in the outbox: stored in the transaction that caused it, sent after commit, retried, never twice.

    `key` names the reason for the email (for example `decision-published:42`), so the same event never queues
    a second email.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        SENDING = "sending", _("being sent")
        FAILED = "failed", _("failed, will be retried")

    key = models.CharField(_("reason"), max_length=120, unique=True)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=2)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    attachment = models.CharField(
        _("attached file"),
        max_length=255,
        blank=True,
        help_text=_("A file in the storage, attached as it is."),
    )
    attachment_name = models.CharField(_("name of the attached file"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    holds_secret = models.BooleanField(
        _("holds a single-use link"),
        default=False,
        help_text=_("The body is removed once the email is sent."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_idx")]

    def __str__(self):
        return f"{self.recipient}: {self.subject}"
