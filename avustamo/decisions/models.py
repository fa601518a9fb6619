"""Funding proposals and the decisions of Valtionavustuslaki §11, from the presenter's draft to publication."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class FundingProposal(models.Model):
    """The presenter's proposal for one application: how much, of which eligible costs, at what share."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="proposal",
    )
    amount = models.DecimalField(_("proposed amount (€)"), validators=[MinValueValidator(0)], **AMOUNT)
    eligible_costs = models.DecimalField(
        _("eligible costs (€)"), null=True, blank=True, validators=[MinValueValidator(0)], **AMOUNT
    )
    max_share_percent = models.DecimalField(
        _("maximum share of eligible costs (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    justification = models.TextField(_("justification"), blank=True)
    suggested = models.BooleanField(
        _("suggested by the allocation"),
        default=False,
        help_text=_("False once the presenter has changed it."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("funding proposal")
        verbose_name_plural = _("funding proposals")

    def __str__(self):
        return f"{self.application}: {self.amount} €"


class Outcome(models.TextChoices):
    APPROVED = "approved", _("approved in full")
    PARTIALLY_APPROVED = "partially_approved", _("approved in part")
    REJECTED = "rejected", _("rejected")
    NOT_EXAMINED = "not_examined", _("not examined")

    @classmethod
    def positive(cls) -> set[str]:
        return {cls.APPROVED, cls.PARTIALLY_APPROVED}


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FOR_SIGNING = "for_signing", _("sent for signing")
    SIGNED = "signed", _("signed")
    PUBLISHED = "published", _("published")


class DecisionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=DecisionStatus.PUBLISHED)

    def current(self):
        """Decisions not replaced by a correction."""
        return self.filter(corrected_by__isnull=True)


class Decision(models.Model):
    """A grant decision on one application. Signed decisions are frozen; a correction is a new decision."""

    class ReportKind(models.TextChoices):
        INTERIM = "interim", _("interim report")
        FINAL = "final", _("final report")

    class InstalmentCondition(models.TextChoices):
        ON_ACCEPTANCE = "on_acceptance", _("when the decision has been accepted")
        AFTER_INTERIM_REPORT = "after_interim_report", _("after the interim report has been approved")
        AFTER_FINAL_REPORT = "after_final_report", _("after the final report has been approved")
        IN_ARREARS = "in_arrears", _("in arrears, against payment applications")

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("corrects the decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    language = models.CharField(_("language of the decision"), max_length=2, default="fi")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    amount = models.DecimalField(_("amount (€)"), default=0, validators=[MinValueValidator(0)], **AMOUNT)
    purpose = models.TextField(_("purpose of use"), blank=True)
    eligible_costs = models.DecimalField(
        _("eligible costs (€)"), null=True, blank=True, validators=[MinValueValidator(0)], **AMOUNT
    )
    max_share_percent = models.DecimalField(
        _("maximum share of total eligible costs (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    period_start = models.DateField(_("period of use starts"), null=True, blank=True)
    period_end = models.DateField(_("period of use ends"), null=True, blank=True)
    instalments = models.JSONField(
        _("payment instalments"),
        default=list,
        blank=True,
        help_text=_("Each instalment: a share in per cent and when it is paid."),
    )
    reports_due = models.JSONField(
        _("reports and their deadlines"),
        default=list,
        blank=True,
        help_text=_("Each report: kind and due date."),
    )
    conditions = models.TextField(_("conditions and restrictions"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("presenter"), on_delete=models.PROTECT, related_name="+"
    )
    decision_maker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decision maker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_for_signing_at = models.DateTimeField(_("sent for signing at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    decision_date = models.DateField(_("date of decision"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    document = models.FileField(_("decision document"), upload_to="decisions/%Y/", blank=True)
    courtesy_document = models.FileField(_("courtesy copy in English"), upload_to="decisions/%Y/", blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["signed", "published"])
                | models.Q(
                    signed_at__isnull=False, decision_maker__isnull=False, decision_date__isnull=False
                ),
                name="decision_signed_has_signature",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision_maker=models.F("presenter")),
                name="decision_four_eyes",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["approved", "partially_approved"]) | models.Q(amount=0),
                name="decision_negative_has_no_amount",
            ),
            models.CheckConstraint(condition=models.Q(language__in=["fi", "sv"]), name="decision_language"),
        ]

    def __str__(self):
        return f"{self.application}: {self.get_outcome_display()}"

    # What the presenter drafts; copied as it is into a correction.
    TERMS = (
        "language", "outcome", "amount", "purpose", "eligible_costs", "max_share_percent", "period_start",
        "period_end", "instalments", "reports_due", "conditions", "reasons",
    )  # fmt: skip

    def terms(self) -> dict:
        return {field: getattr(self, field) for field in self.TERMS}

    @property
    def is_positive(self) -> bool:
        return self.outcome in Outcome.positive()

    @property
    def is_frozen(self) -> bool:
        return self.status in (DecisionStatus.SIGNED, DecisionStatus.PUBLISHED)


class PublicationRun(models.Model):
    """Publishing a call's signed decisions, done by the task worker; the page shows its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")

    call = models.ForeignKey(
        "programmes.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="publication_runs"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("decisions to publish"), default=0)
    done = models.PositiveIntegerField(_("decisions published"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("publication of decisions")
        verbose_name_plural = _("publications of decisions")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.call.reference}: {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)


class ChangeRequestStatus(models.TextChoices):
    OPEN = "open", _("waiting for the presenter's decision")
    DECIDED = "decided", _("decided")


class ChangeRequest(models.Model):
    """A recipient's change request (muutoshakemus) on a grant: one or more parts, each decided by the presenter.

    The decided request is the change decision (muutospäätös): its date, its decider and its PDF document. The
    grant's decision itself stays as it was signed; the terms in force are the decision's with the accepted parts
    of its change decisions applied in order (`selectors.approved_budget`, `selectors.period_in_force`).
    """

    grant = models.ForeignKey(
        "payments.Grant", verbose_name=_("grant"), on_delete=models.PROTECT, related_name="change_requests"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.OPEN
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    submitted_on = models.DateField(
        _("submitted on"),
        help_text=_("The day in Helsinki the request arrived, which the extension's deadline is kept by."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("change decision made by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("change decision made at"), null=True, blank=True)
    decision_date = models.DateField(_("date of the change decision"), null=True, blank=True)
    language = models.CharField(_("language of the change decision"), max_length=2, default="fi")
    document = models.FileField(_("change decision document"), upload_to="change-decisions/%Y/", blank=True)

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["grant", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant"],
                condition=models.Q(status="open"),
                name="change_request_one_open_per_grant",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", decided_at__isnull=True)
                | models.Q(
                    status="decided",
                    decided_by__isnull=False,
                    decided_at__isnull=False,
                    decision_date__isnull=False,
                ),
                name="change_request_decided_has_decider_and_date",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=["fi", "sv"]), name="change_request_language"
            ),
        ]

    def __str__(self):
        return f"{self.grant.application}: {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == ChangeRequestStatus.OPEN


class ChangeKind(models.TextChoices):
    EXTENSION = "extension", _("extension of the period of use")
    BUDGET = "budget", _("moving money between cost categories")
    CONTENT = "content", _("change of content")


class ChangeOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    ACCEPTED_WITH_CHANGES = "accepted_with_changes", _("accepted with changes")
    REJECTED = "rejected", _("rejected")

    @classmethod
    def in_force(cls) -> set[str]:
        return {cls.ACCEPTED, cls.ACCEPTED_WITH_CHANGES}


class ChangePart(models.Model):
    """One part of a change request: what the recipient asks and why, and the presenter's decision on it.

    The recipient asks one of: a new end of the period of use, new amounts of the budget's cost categories (the
    total unchanged) or new content in words. Accepted with changes, the presenter's own figure or wording is in
    force instead."""

    request = models.ForeignKey(
        ChangeRequest, verbose_name=_("change request"), on_delete=models.CASCADE, related_name="parts"
    )
    kind = models.CharField(_("change"), max_length=20, choices=ChangeKind.choices)
    reasons = models.TextField(_("reasons for the change"))
    asked_period_end = models.DateField(_("period of use to end on"), null=True, blank=True)
    asked_budget = models.JSONField(_("cost categories asked (€)"), default=dict, blank=True)
    asked_content = models.TextField(_("change of content asked"), blank=True)
    outcome = models.CharField(_("decision"), max_length=30, choices=ChangeOutcome.choices, blank=True)
    decided_period_end = models.DateField(_("period of use ends on, as decided"), null=True, blank=True)
    decided_budget = models.JSONField(_("cost categories decided (€)"), default=dict, blank=True)
    decided_content = models.TextField(_("change of content, as decided"), blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("part of a change request")
        verbose_name_plural = _("parts of change requests")
        ordering = ["request", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="change_part_kind_once_per_request"),
            models.CheckConstraint(
                condition=models.Q(outcome="", decided_at__isnull=True)
                | (~models.Q(outcome="") & models.Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="change_part_decided_has_decider",
            ),
        ]

    def __str__(self):
        return f"{self.request}: {self.get_kind_display()}"

    @property
    def is_decided(self) -> bool:
        return bool(self.outcome)

    @property
    def in_force(self) -> bool:
        return self.outcome in ChangeOutcome.in_force()

    def asked(self):
        """What the recipient asked: a date, a budget by category, or a text."""
        return {
            ChangeKind.EXTENSION: self.asked_period_end,
            ChangeKind.BUDGET: self.asked_budget,
            ChangeKind.CONTENT: self.asked_content,
        }[self.kind]

    def decided(self):
        """What the decision puts in force (the asked change, or the presenter's when accepted with changes);
        None when rejected or not yet decided."""
        if not self.in_force:
            return None
        return {
            ChangeKind.EXTENSION: self.decided_period_end,
            ChangeKind.BUDGET: self.decided_budget,
            ChangeKind.CONTENT: self.decided_content,
        }[self.kind]
