"""Applications: drafts that applicants fill in over several sittings, and what they submit."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from avustamo.core.dates import end_of_day
from avustamo.core.transitions import Transitions
from avustamo.organisations.models import authority_check_field


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    COMPLETION_REQUESTED = "completion_requested", _("completion requested")
    WITHDRAWN = "withdrawn", _("withdrawn")


# An application not yet withdrawn may be withdrawn while the call is open (`services.application_withdraw`).
APPLICATION_TRANSITIONS = Transitions(
    ApplicationStatus,
    {
        "submit": ([ApplicationStatus.DRAFT], ApplicationStatus.SUBMITTED, "application.submitted"),
        "withdraw": (
            [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.COMPLETION_REQUESTED],
            ApplicationStatus.WITHDRAWN,
            "application.withdrawn",
        ),
        "request_completion": (
            [ApplicationStatus.SUBMITTED],
            ApplicationStatus.COMPLETION_REQUESTED,
            "application.completion_requested",
        ),
        "complete": (
            [ApplicationStatus.COMPLETION_REQUESTED],
            ApplicationStatus.SUBMITTED,
            "application.completed",
        ),
    },
)


class Application(models.Model):
    """An organisation's application to a call, answered on one version of the call's form.

    The answers are kept as the applicant gave them; the facts the service relies on later (amounts, period,
    regions, IBAN) are copied into typed columns at submission and never read back out of the answers.
    """

    call = models.ForeignKey(
        "programmes.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    form = models.ForeignKey(
        "programmes.CallForm",
        verbose_name=_("form version"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("Grows with every save; a save based on an older version is refused."),
    )
    last_edit_key = models.CharField(
        max_length=32,
        blank=True,
        editable=False,
        help_text=_("Which open page saved last; that page's own saves are never stale."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority_check = authority_check_field()
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    register_number = models.CharField(
        _("register number"), max_length=40, unique=True, null=True, blank=True
    )

    # Facts copied at submission.
    project_name = models.CharField(_("project name"), max_length=1000, blank=True)
    project_summary = models.TextField(_("project summary"), blank=True)
    total_eligible_costs = models.DecimalField(
        _("total eligible costs (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    income = models.DecimalField(_("income (€)"), max_digits=14, decimal_places=2, null=True, blank=True)
    other_public_funding = models.DecimalField(
        _("other public funding (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    own_funding = models.DecimalField(
        _("own funding (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    requested_amount = models.DecimalField(
        _("amount applied for (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    period_start = models.DateField(_("period of use starts"), null=True, blank=True)
    period_end = models.DateField(_("period of use ends"), null=True, blank=True)
    regions = models.ManyToManyField(
        "reference.Region", verbose_name=_("regions"), blank=True, related_name="applications"
    )
    applicant_name = models.CharField(_("applicant's name at submission"), max_length=255, blank=True)
    applicant_business_id = models.CharField(
        _("applicant's Business ID at submission"), max_length=9, blank=True
    )
    iban = models.CharField(_("IBAN at submission"), max_length=34, blank=True)
    # The answers the applicant marked as business secrets (Publicity Act 621/1999 §24(1)(20)): question id → the
    # applicant's short reason. Officials see the mark; no public output shows the answer (`secrets.py`).
    secret_answers = models.JSONField(_("answers marked as business secrets"), default=dict, blank=True)
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        help_text=_("When the retention rules removed the answers and attachments (docs/retention.md)."),
    )
    vat_recoverable = models.BooleanField(
        _("can recover the VAT in its costs"),
        null=True,
        blank=True,
        help_text=_("Empty: the form did not ask."),
    )
    # Each line: {"granting_authority", "granted_on" (ISO date), "amount" (euros, two places)}.
    declared_de_minimis_aid = models.JSONField(
        _("de minimis aid declared as received"), default=list, blank=True
    )

    transitions = APPLICATION_TRANSITIONS

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["submitted", "completion_requested"])
                | models.Q(register_number__isnull=False, submitted_at__isnull=False),
                name="application_submitted_has_register_number",
            )
        ]

    def __str__(self):
        return (
            self.register_number
            or f"{self.organisation.name}: {self.call.reference} ({self.get_status_display()})"
        )


class Attachment(models.Model):
    """A file attached to an application: for a question of the form or one of the call's required attachments."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    question_id = models.CharField(_("question"), max_length=64, blank=True)
    required_attachment = models.ForeignKey(
        "programmes.RequiredAttachment",
        verbose_name=_("required attachment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to="applications/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    secret_reason = models.CharField(
        _("why it is a business secret"),
        max_length=300,
        blank=True,
        help_text=_(
            "Empty unless the applicant marked the file as a business secret (Publicity Act §24(1)(20))."
        ),
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class CoImplementer(models.Model):
    """A co-implementer (osatoteuttaja) of a joint project: an organisation that carries out part of the project
    with its own part of the budget and its own funding, and may receive part of the grant from the applicant.

    The applicant (the lead) applies for the whole: the application's budget answer is the lead's own part, and
    the project's budget is that part and every co-implementer's part together (`selectors.joint_budget`). A
    co-implementer need not use the service; it is named by its Business ID, and its contact person is who the
    lead and the officials reach it through.
    """

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="co_implementers",
    )
    business_id = models.CharField(_("Business ID"), max_length=9)
    name = models.CharField(_("name"), max_length=255)
    costs = models.JSONField(
        _("eligible costs by category"),
        default=dict,
        blank=True,
        help_text=_("Each cost category of the budget and the co-implementer's part of it, in euros."),
    )
    own_funding = models.DecimalField(_("own funding (€)"), max_digits=14, decimal_places=2, default=0)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact person's email"))
    contact_phone = models.CharField(_("contact person's phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("co-implementer")
        verbose_name_plural = _("co-implementers")
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "business_id"], name="co_implementer_once_per_application"
            ),
            models.CheckConstraint(
                condition=models.Q(own_funding__gte=0), name="co_implementer_own_funding_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.business_id})"


class RegisterNumberSequence(models.Model):
    """The last register number given per agency and year (`TEM/123/2026`)."""

    agency = models.ForeignKey("programmes.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="register_sequence_agency_year_unique")
        ]

    def __str__(self):
        return f"{self.agency.code}/{self.last_number}/{self.year}"


class SubmittedVersion(models.Model):
    """The application exactly as it was sent: at submission, and again after each completion."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="submitted_versions")
    number = models.PositiveSmallIntegerField(_("number"))
    answers = models.JSONField(_("answers"))
    attachment_ids = models.JSONField(_("attachments"), default=list)
    requested_amount = models.DecimalField(
        _("amount applied for (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    co_implementers = models.JSONField(
        _("co-implementers"),
        default=list,
        blank=True,
        help_text=_(
            "The co-implementers as they were sent: Business ID, name, costs, own funding and contact."
        ),
    )
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completion_request = models.ForeignKey(
        "CompletionRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="submitted_version_unique")
        ]

    def __str__(self):
        return f"{self.application} v{self.number}"


class CompletionRequest(models.Model):
    """A request to complete an application (täydennyspyyntö): what is missing, and the day to reply by.

    The applicant may change only the questions and attachments named here, and only until the end of
    `reply_by` in Helsinki time.
    """

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="completion_requests",
    )
    question_ids = models.JSONField(_("questions to complete"), default=list, blank=True)
    required_attachments = models.ManyToManyField(
        "programmes.RequiredAttachment", verbose_name=_("attachments to add"), blank=True, related_name="+"
    )
    message = models.TextField(_("what is missing"))
    reply_by = models.DateField(_("reply by"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("completion request")
        verbose_name_plural = _("completion requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(answered_at__isnull=True),
                name="one_open_completion_request_per_application",
            )
        ]

    def __str__(self):
        return f"{self.application}: {self.reply_by}"

    def reply_deadline(self):
        """The last moment to reply: the end of `reply_by` in Helsinki."""
        return end_of_day(self.reply_by)

    def is_overdue(self, now=None) -> bool:
        return self.answered_at is None and (now or timezone.now()) >= self.reply_deadline()
