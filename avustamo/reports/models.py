"""The recipient's reports on a grant (interim and final), their forms per call, their review and reminders."""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from avustamo.accounts.tokens import hash_token
from avustamo.core.transitions import Transitions
from avustamo.decisions.models import AMOUNT, Decision
from avustamo.organisations.models import Invitation, authority_check_field
from avustamo.programmes.application_form.schema import FormDefinition

ReportKind = Decision.ReportKind


class ReportForm(models.Model):
    """One version of a call's interim or final report form, defined like its application form."""

    call = models.ForeignKey(
        "programmes.Call", verbose_name=_("call"), on_delete=models.CASCADE, related_name="report_forms"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        ordering = ["call", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind", "version"], name="report_form_version_unique")
        ]

    def __str__(self):
        return f"{self.call.reference} {self.kind} v{self.version}"

    @cached_property
    def parsed(self) -> FormDefinition:
        return FormDefinition.model_validate(self.definition)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("sent, awaiting review")
    COMPLETION_REQUESTED = "completion_requested", _("completion requested")
    CONTENT_APPROVED = "content_approved", _("content approved, finances in review")
    APPROVED = "approved", _("approved")


# A report completed at the finance step returns to it, its content still approved; an interim report's content
# approval approves it, a final report's goes on to the finances.
REPORT_TRANSITIONS = Transitions(
    ReportStatus,
    {
        "submit": (
            [ReportStatus.DRAFT, ReportStatus.COMPLETION_REQUESTED],
            ReportStatus.SUBMITTED,
            "report.submitted",
        ),
        "submit_to_finance_review": (
            [ReportStatus.COMPLETION_REQUESTED],
            ReportStatus.CONTENT_APPROVED,
            "report.submitted",
        ),
        "request_completion": (
            [ReportStatus.SUBMITTED, ReportStatus.CONTENT_APPROVED],
            ReportStatus.COMPLETION_REQUESTED,
            "report.completion_requested",
        ),
        "approve_interim": ([ReportStatus.SUBMITTED], ReportStatus.APPROVED, "report.content_approved"),
        "approve_final_content": (
            [ReportStatus.SUBMITTED],
            ReportStatus.CONTENT_APPROVED,
            "report.content_approved",
        ),
        "approve_finances": (
            [ReportStatus.CONTENT_APPROVED],
            ReportStatus.APPROVED,
            "report.finances_approved",
        ),
    },
)


class Report(models.Model):
    """One report the decision asks for: its answers, who sent it, and its review (content, then finances for a
    final report)."""

    grant = models.ForeignKey(
        "grants.Grant", verbose_name=_("grant"), on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    due_date = models.DateField(_("due date"))
    form = models.ForeignKey(
        ReportForm, verbose_name=_("form version"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=30, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Grows with every save; a save based on an older version is refused."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        help_text=_("When the retention rules removed the answers and attachments (docs/retention.md)."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority_check = authority_check_field()
    content_reviewed_at = models.DateTimeField(_("content approved at"), null=True, blank=True)
    content_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("content approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_notes = models.TextField(_("notes on the content"), blank=True)
    finances_reviewed_at = models.DateTimeField(_("finances approved at"), null=True, blank=True)
    finances_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finances approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finances_notes = models.TextField(_("notes on the finances"), blank=True)
    accepted_costs = models.DecimalField(_("eligible costs accepted (€)"), null=True, blank=True, **AMOUNT)
    settlement = models.JSONField(
        _("settlement"),
        default=dict,
        blank=True,
        help_text=_("The settlement's figures when it was approved."),
    )
    settlement_document = models.FileField(
        _("settlement decision"),
        upload_to="settlement-decisions/%Y/",
        blank=True,
        help_text=_("The decision on the final report, made when its settlement reduces the grant."),
    )

    transitions = REPORT_TRANSITIONS

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["grant", "due_date", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "kind", "due_date"], name="report_one_per_deadline"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="report_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved", kind="final")
                | models.Q(accepted_costs__isnull=False, finances_reviewed_by__isnull=False),
                name="report_final_approved_has_finances",
            ),
        ]

    def __str__(self):
        return f"{self.grant.application}: {self.get_kind_display()} {self.due_date}"

    @property
    def is_final(self) -> bool:
        return self.kind == ReportKind.FINAL

    @property
    def is_sent(self) -> bool:
        return self.status != ReportStatus.DRAFT


class ReportAttachment(models.Model):
    """A file the recipient attached to a report, for one of the form's attachment questions."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    question_id = models.CharField(_("question"), max_length=64)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class ReportCompletionRequest(models.Model):
    """An official's request to complete a sent report; the recipient answers by sending it again."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="completion_requests")
    message = models.TextField(_("what to complete"))
    due_date = models.DateField(_("complete by"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to complete a report")
        verbose_name_plural = _("requests to complete reports")
        ordering = ["requested_at", "id"]

    def __str__(self):
        return f"{self.report}: {self.requested_at:%Y-%m-%d}"


class ReportReminder(models.Model):
    """A reminder sent for one report deadline of a grant; one of each timing, however often the command runs."""

    class Timing(models.TextChoices):
        BEFORE = "before", _("before the deadline")
        AFTER = "after", _("after the deadline")

    grant = models.ForeignKey(
        "grants.Grant", verbose_name=_("grant"), on_delete=models.CASCADE, related_name="report_reminders"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    due_date = models.DateField(_("due date"))
    timing = models.CharField(_("timing"), max_length=10, choices=Timing.choices)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "kind", "due_date", "timing"], name="report_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.grant_id} {self.kind} {self.due_date} {self.timing}"


class CoImplementerReportPart(models.Model):
    """One co-implementer's part of a report of a joint project: the eligible costs it actually incurred by cost
    category and its own funding. The report's budget answer is the lead's own part; the report's totals are the
    lead's part and every co-implementer's part together (`co_implementers.JointReport`). Entered by the lead or
    by the co-implementer's invited representative (`CoImplementerInvitation`) while the report can be changed."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="co_implementer_parts"
    )
    co_implementer = models.ForeignKey(
        "applications.CoImplementer",
        verbose_name=_("co-implementer"),
        on_delete=models.PROTECT,
        related_name="report_parts",
    )
    costs = models.JSONField(
        _("actual eligible costs by category"),
        default=dict,
        blank=True,
        help_text=_("Each cost category and the co-implementer's actual costs in it, in euros."),
    )
    own_funding = models.DecimalField(_("actual own funding (€)"), default=0, **AMOUNT)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)
    authority_check = authority_check_field()

    class Meta:
        verbose_name = _("co-implementer's part of a report")
        verbose_name_plural = _("co-implementers' parts of reports")
        ordering = ["report", "co_implementer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "co_implementer"], name="report_part_once_per_co_implementer"
            ),
            models.CheckConstraint(
                condition=models.Q(own_funding__gte=0), name="report_part_own_funding_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.report}: {self.co_implementer}"


class CoImplementerInvitation(models.Model):
    """An emailed invitation to a co-implementer's representative to enter the co-implementer's part of one
    report. Only a hash of its token is stored. Whoever accepts it acts for their own organisation, the one with
    the co-implementer's Business ID, under a check of their right to act for it."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="co_implementer_invitations"
    )
    co_implementer = models.ForeignKey(
        "applications.CoImplementer",
        verbose_name=_("co-implementer"),
        on_delete=models.PROTECT,
        related_name="report_invitations",
    )
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority_check = authority_check_field()
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to enter a co-implementer's part of a report")
        verbose_name_plural = _("invitations to enter co-implementers' parts of reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "report",
                "co_implementer",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="co_implementer_invitation_one_pending_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.co_implementer}"

    hash_token = staticmethod(hash_token)
    is_pending = Invitation.is_pending  # the same fields mean the same: not accepted, not ended, not expired

    @property
    def is_in_use(self) -> bool:
        """Accepted and not revoked: its representative may enter the part while the report can be changed."""
        return self.accepted_at is not None and self.revoked_at is None
