import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avustamo.core.dates import helsinki_today


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


class DecisionNotice(models.Model):
    """How one decision was notified to its recipient (tiedoksianto), and the day it counts as received.

    Every kind of decision has one, whichever app decides it: a grant decision, a change decision, a return
    decision and the kinds added later, through a generic relation (core knows no domain app). The notification
    date (tiedoksisaantipäivä) starts the time limits of a request for review and of the acceptance: the day a
    member of the recipient first opened the decision in the service, or the law's presumption if that comes
    first: the third day after the electronic message (Act on Electronic Services 13/2003 §19(2)) or the seventh
    day after the letter was posted (Administrative Procedure Act 434/2003 §59(2)).

    What the registry needs to post the letter (the recipient's name and postal address, the document) is copied
    here when the decision is sent, so that the letter goes to the address the decision was made for.
    """

    class Channel(models.TextChoices):
        ELECTRONIC = "electronic", _("electronic message (consent given)")
        POST = "post", _("letter by post")

    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("kind of decision"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("decision id"))
    target = GenericForeignKey("target_type", "target_id")
    # A record that holds two decisions (a suspension and the decision ending it) names which one; empty for the
    # only decision of its record.
    part = models.CharField(_("part"), max_length=20, blank=True, default="")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    register_number = models.CharField(_("register number"), max_length=40, blank=True)
    title = models.CharField(_("decision"), max_length=255)
    recipient_name = models.CharField(_("recipient"), max_length=255)
    postal_address = models.TextField(_("postal address"), blank=True)
    language = models.CharField(_("language"), max_length=2)
    document = models.CharField(_("decision document"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("electronic message sent at"), null=True, blank=True)
    posted_on = models.DateField(_("letter posted on"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_opened_at = models.DateTimeField(_("first opened in the service at"), null=True, blank=True)
    first_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice of a decision")
        verbose_name_plural = _("notices of decisions")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id", "part"], name="one_notice_per_decision"
            ),
            models.CheckConstraint(
                condition=~models.Q(channel="electronic") | models.Q(sent_at__isnull=False),
                name="electronic_notice_has_sent_at",
            ),
        ]

    def __str__(self):
        return f"{self.register_number} {self.title}"

    @property
    def presumed_date(self) -> datetime.date | None:
        """The day the law presumes the decision received, if it is not shown to have been received earlier."""
        if self.channel == self.Channel.ELECTRONIC and self.sent_at:
            return helsinki_today(self.sent_at) + datetime.timedelta(days=ELECTRONIC_PRESUMPTION_DAYS)
        if self.channel == self.Channel.POST and self.posted_on:
            return self.posted_on + datetime.timedelta(days=POSTAL_PRESUMPTION_DAYS)
        return None

    @property
    def opened_on(self) -> datetime.date | None:
        return helsinki_today(self.first_opened_at) if self.first_opened_at else None

    @property
    def notification_date(self) -> datetime.date | None:
        """The day of first opening or the presumed day, whichever comes first; None while neither is known (a
        letter not yet posted nor the decision opened)."""
        days = [day for day in (self.opened_on, self.presumed_date) if day is not None]
        return min(days) if days else None

    @property
    def notified_by_opening(self) -> bool:
        return self.opened_on is not None and self.opened_on == self.notification_date


# Act on Electronic Services 13/2003 §19(2): "the third day after the message was sent";
# Administrative Procedure Act 434/2003 §59(2): "the seventh day after the letter was sent".
ELECTRONIC_PRESUMPTION_DAYS = 3
POSTAL_PRESUMPTION_DAYS = 7


class RetentionLog(models.Model):
    """What one retention rule did on one run of `manage.py apply_retention`: how many records of its kind it
    anonymised or deleted, and the cut-off it used (records whose clock started at or before it)."""

    kind = models.CharField(_("kind of record"), max_length=40, db_index=True)
    action = models.CharField(_("action"), max_length=20)
    count = models.PositiveIntegerField(_("records"))
    cutoff = models.DateTimeField(_("cut-off"))
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)

    class Meta:
        verbose_name = _("retention log entry")
        verbose_name_plural = _("retention log")
        ordering = ["-applied_at", "-id"]

    def __str__(self):
        return f"{self.applied_at:%Y-%m-%d} {self.kind}: {self.action} {self.count}"
