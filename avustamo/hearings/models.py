"""Hearing a party before a decision against it (Administrative Procedure Act 434/2003, 34 §): the official's
hearing request, the recipient's reply, and the record of a ground of 34 § 2 momentti for deciding without one.

A decision against the recipient (a return or recovery, a suspension, a settlement that cuts the grant, a payment
application approved in part or rejected) is made only on a closed hearing of its subject, or on a recorded ground
for not hearing (`services.require_heard`); either record is used by one decision and named in its audit entry.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustamo.core.dates import helsinki_today
from avustamo.core.transitions import Transitions
from avustamo.organisations.models import authority_check_field

# The reply date is at least this many days after the request is sent, and by default exactly that
# (docs/workflows.md, "Hearing": an electronic message is presumed received on the third day, and the recipient's
# board needs time to meet).
REPLY_DAYS = 14
ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "odt", "ods", "jpeg", "png")
ATTACHMENT_MAX_MB = 20


class HearingSubject(models.TextChoices):
    """What the proposed decision against the recipient is about: each deciding service names its subject."""

    RETURN = "return", _("return or recovery of the grant")
    SUSPENSION = "suspension", _("suspension of payments")
    SETTLEMENT = "settlement", _("settlement of the final report that reduces the grant")
    PAYMENT_APPLICATION = "payment_application", _("payment application approved in part or rejected")
    OFFSET = "offset", _("offsetting a return or recovery against another grant's payment")


class NotHeardGround(models.TextChoices):
    """The grounds of the Administrative Procedure Act 434/2003, 34 § 2 momentti, for deciding without hearing."""

    DISMISSED = (
        "dismissed",
        _("the claim is dismissed without consideration or rejected at once as unfounded"),
    )
    ASSESSMENT = (
        "assessment",
        _(
            "the matter concerns filling an office or position, admission to voluntary education, or a benefit "
            "based on an assessment of the applicant's qualities"
        ),
    )
    ENDANGERS_PURPOSE = (
        "endangers_purpose",
        _(
            "hearing may endanger the purpose of the decision, or the delay would cause considerable harm to "
            "human health, public safety or the environment"
        ),
    )
    ACCEPTS_CLAIM = "accepts_claim", _("a claim that does not concern another party is accepted")
    UNNECESSARY = "unnecessary", _("hearing is manifestly unnecessary for another reason")


class HearingStatus(models.TextChoices):
    AWAITING_REPLY = "awaiting_reply", _("awaiting reply")
    REPLIED = "replied", _("replied")
    DECIDED = "decided", _("decided")


HEARING_TRANSITIONS = Transitions(
    HearingStatus,
    {
        "reply": ([HearingStatus.AWAITING_REPLY], HearingStatus.REPLIED, "hearing.replied"),
        "decide": (
            [HearingStatus.AWAITING_REPLY, HearingStatus.REPLIED],
            HearingStatus.DECIDED,
            "hearing.decided",
        ),
    },
)


class Hearing(models.Model):
    """A hearing request (kuulemispyyntö) sent to the recipient of a grant, and its reply (vastine)."""

    grant = models.ForeignKey(
        "grants.Grant", verbose_name=_("grant"), on_delete=models.PROTECT, related_name="hearings"
    )
    subject = models.CharField(_("subject"), max_length=30, choices=HearingSubject.choices)
    proposal = models.TextField(_("what is proposed"))
    grounds = models.TextField(_("facts and grounds"))
    reply_by = models.DateField(_("reply by"))
    status = models.CharField(
        _("status"), max_length=20, choices=HearingStatus.choices, default=HearingStatus.AWAITING_REPLY
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    authority_check = authority_check_field()
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    transitions = HEARING_TRANSITIONS

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["grant", "subject", "status"], name="hearing_subject_idx")]

    def __str__(self):
        return f"{self.get_subject_display()} ({self.sent_at:%Y-%m-%d})"

    def is_closed_for_deciding(self, today: datetime.date) -> bool:
        """A reply or the passing of the reply date closes the hearing for deciding."""
        return self.status == HearingStatus.REPLIED or (
            self.status == HearingStatus.AWAITING_REPLY and self.reply_by < today
        )

    @property
    def sent_on(self) -> datetime.date:
        return helsinki_today(self.sent_at)

    @property
    def replied_on(self) -> datetime.date | None:
        return helsinki_today(self.replied_at) if self.replied_at else None

    @property
    def may_be_replied(self) -> bool:
        return self.status == HearingStatus.AWAITING_REPLY

    def audit_details(self) -> dict:
        """What the decision's audit entry says of the hearing it was made on."""
        return {"hearing": self.pk, "heard": True}


class HearingAttachment(models.Model):
    """A file the official sent with the request, or the recipient with the reply."""

    class Party(models.TextChoices):
        AUTHORITY = "authority", _("the authority")
        RECIPIENT = "recipient", _("the recipient")

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="attachments")
    party = models.CharField(_("sent by"), max_length=10, choices=Party.choices)
    file = models.FileField(_("file"), upload_to="hearings/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hearing attachment")
        verbose_name_plural = _("hearing attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class NotHeard(models.Model):
    """The official's record that a decision on `subject` is made without hearing, on a ground of 34 § 2, with the
    reasons; used by the one decision it was recorded for."""

    grant = models.ForeignKey(
        "grants.Grant", verbose_name=_("grant"), on_delete=models.PROTECT, related_name="not_heard_records"
    )
    subject = models.CharField(_("subject"), max_length=30, choices=HearingSubject.choices)
    ground = models.CharField(_("ground for not hearing"), max_length=30, choices=NotHeardGround.choices)
    reasons = models.TextField(_("reasons"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision without hearing")
        verbose_name_plural = _("decisions without hearing")
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return f"{self.get_subject_display()}: {self.get_ground_display()}"

    def audit_details(self) -> dict:
        return {"not_heard": self.pk, "heard": False, "not_heard_ground": self.ground}
