"""The life of an award after its decision: the grant and whether its terms were accepted, the publication of
the decisions that open grants, and the recipient's change requests with the presenter's change decisions.

The tables keep the names they had in the apps these models came from (payments, decisions), so that moving
them into this app rebuilt nothing (docs/adr/0008-layers.md).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from avustamo.core.task_runs import TaskState, stalled_before, task_state
from avustamo.core.transitions import Transitions
from avustamo.organisations.models import authority_check_field


class GrantStatus(models.TextChoices):
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("awaiting acceptance")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    CLOSED = "closed", _("closed by a correcting decision")


# A correcting decision may come at any point of the grant's life: it restates the terms (to be accepted anew)
# or, when negative, closes the grant.
GRANT_TRANSITIONS = Transitions(
    GrantStatus,
    {
        "accept": ([GrantStatus.AWAITING_ACCEPTANCE], GrantStatus.ACCEPTED, "grant.accepted"),
        "decline": ([GrantStatus.AWAITING_ACCEPTANCE], GrantStatus.DECLINED, "grant.declined"),
        "reopen_by_correction": (GrantStatus.values, GrantStatus.AWAITING_ACCEPTANCE, "grant.opened"),
        "close_by_correction": (GrantStatus.values, GrantStatus.CLOSED, "grant.closed_by_correction"),
    },
)


class Grant(models.Model):
    """The money of one positive decision from its publication to the last euro: whether the recipient has
    accepted the terms, and (as issue 6 goes on) its payments, changes, reports and returns.

    Opened when a positive decision is published (`services.grant_open`); a correction moves it to the correcting
    decision. The recipient accepts the terms or declines the grant; declining frees the money for the call.
    """

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="grant",
    )
    decision = models.OneToOneField(
        "decisions.Decision",
        verbose_name=_("decision in force"),
        on_delete=models.PROTECT,
        related_name="grant",
    )
    status = models.CharField(
        _("status"), max_length=30, choices=GrantStatus.choices, default=GrantStatus.AWAITING_ACCEPTANCE
    )
    answered_at = models.DateTimeField(_("accepted or declined at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted or declined by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority_check = authority_check_field()
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    transitions = GRANT_TRANSITIONS

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        db_table = "payments_grant"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status="awaiting_acceptance", answered_at__isnull=True, answered_by__isnull=True
                )
                | models.Q(status__in=["accepted", "declined"], answered_at__isnull=False)
                | models.Q(status="closed"),
                name="grant_answered_when_accepted_or_declined",
            ),
        ]

    def __str__(self):
        return f"{self.application}: {self.get_status_display()}"

    @property
    def may_be_paid(self) -> bool:
        """Whether payments may be made: accepted, or opened in a call that does not ask for acceptance."""
        if self.status in (GrantStatus.DECLINED, GrantStatus.CLOSED):
            return False
        return self.status == GrantStatus.ACCEPTED or not self.application.call.requires_acceptance


class PublicationRun(models.Model):
    """Publishing a call's signed decisions, done by the task worker; the page shows its progress.

    The run records a heartbeat after each decision. A run queued or running that shows no progress for
    `settings.TASK_STALLED_AFTER`, or whose task has ended without finishing it, has stalled (its worker was
    killed): it is resumed by `manage.py resume_stalled_tasks` or by the button on the page, and goes on with the
    decisions not yet published."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")

    transitions = Transitions(
        Status,
        {
            # A run started again (the worker was stopped, or it failed) goes on where it stopped.
            "start": ([Status.QUEUED, Status.FAILED, Status.FINISHED], Status.RUNNING, "publication.started"),
            "finish": ([Status.RUNNING], Status.FINISHED, "publication.finished"),
            "fail": ([Status.RUNNING], Status.FAILED, "publication.failed"),
            "resume": ([Status.QUEUED, Status.RUNNING], Status.QUEUED, "publication.resumed"),
        },
    )

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
    heartbeat_at = models.DateTimeField(_("last progress at"), default=timezone.now)
    task_result_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("publication of decisions")
        verbose_name_plural = _("publications of decisions")
        db_table = "decisions_publicationrun"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.call.reference}: {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)

    @cached_property
    def is_stalled(self) -> bool:
        """Queued or running, but no worker is doing it."""
        if self.status not in (self.Status.QUEUED, self.Status.RUNNING):
            return False
        state = task_state(self.task_result_id)
        if state == TaskState.WAITING:  # no worker has taken it yet: waiting is not stalling
            return False
        return state == TaskState.ENDED or self.heartbeat_at < stalled_before()


class ChangeRequestStatus(models.TextChoices):
    OPEN = "open", _("waiting for the presenter's decision")
    DECIDED = "decided", _("decided")


CHANGE_REQUEST_TRANSITIONS = Transitions(
    ChangeRequestStatus,
    {"decide": ([ChangeRequestStatus.OPEN], ChangeRequestStatus.DECIDED, "change_request.decided")},
)


class ChangeRequest(models.Model):
    """A recipient's change request (muutoshakemus) on a grant: one or more parts, each decided by the presenter.

    The decided request is the change decision (muutospäätös): its date, its decider and its PDF document. The
    grant's decision itself stays as it was signed; the terms in force are the decision's with the accepted parts
    of its change decisions applied in order (`selectors.approved_budget`, `selectors.period_in_force`).
    """

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="change_requests"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.OPEN
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    authority_check = authority_check_field()
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

    transitions = CHANGE_REQUEST_TRANSITIONS

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        db_table = "decisions_changerequest"
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
        db_table = "decisions_changepart"
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


class OnwardTransferAgreement(models.Model):
    """The written agreement under which the recipient passes part of its grant on to a co-implementer
    (688/2001 section 7(3)): its date and its document, recorded by an official. The recipient is paid only when
    every co-implementer the decision in force gives money to has one on file (`selectors.missing_agreements`)."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="onward_transfer_agreements"
    )
    co_implementer = models.ForeignKey(
        "applications.CoImplementer",
        verbose_name=_("co-implementer"),
        on_delete=models.PROTECT,
        related_name="onward_transfer_agreements",
    )
    signed_on = models.DateField(_("date of the agreement"))
    document = models.FileField(_("agreement"), upload_to="onward-transfer-agreements/%Y/")
    document_name = models.CharField(_("file name"), max_length=255)
    document_kind = models.CharField(_("file type"), max_length=10)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("agreement on passing the grant on")
        verbose_name_plural = _("agreements on passing the grant on")
        ordering = ["grant", "co_implementer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "co_implementer"], name="onward_transfer_agreement_once_per_co_implementer"
            )
        ]

    def __str__(self):
        return f"{self.grant}: {self.co_implementer} ({self.signed_on})"
