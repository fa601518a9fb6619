"""Funding proposals and the decisions of Valtionavustuslaki §11, from the presenter's draft to publication."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustamo.core.transitions import Transitions

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


# Publication is done by the grants app (`grants.services.decision_publish`): it opens the decision's grant.
DECISION_TRANSITIONS = Transitions(
    DecisionStatus,
    {
        "send_for_signing": ([DecisionStatus.DRAFT], DecisionStatus.FOR_SIGNING, "decision.sent_for_signing"),
        "return": ([DecisionStatus.FOR_SIGNING], DecisionStatus.DRAFT, "decision.returned"),
        "sign": ([DecisionStatus.FOR_SIGNING], DecisionStatus.SIGNED, "decision.signed"),
        "publish": ([DecisionStatus.SIGNED], DecisionStatus.PUBLISHED, "decision.published"),
    },
)


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
    # The budget the decision approves, kept on the decision so that what it says never changes once signed.
    approved_costs = models.JSONField(
        _("approved costs by category"),
        default=dict,
        blank=True,
        help_text=_("Each cost category of the application's budget and the amount approved as eligible."),
    )
    non_eligible_costs = models.JSONField(
        _("costs not eligible"),
        default=list,
        blank=True,
        help_text=_(
            "Each cost not approved: what it is (e.g. value added tax the recipient can recover) and its amount."
        ),
    )
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
    transitions = DECISION_TRANSITIONS

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
        "period_end", "instalments", "reports_due", "conditions", "approved_costs", "non_eligible_costs", "reasons",
    )  # fmt: skip

    def terms(self) -> dict:
        return {field: getattr(self, field) for field in self.TERMS}

    @property
    def is_positive(self) -> bool:
        return self.outcome in Outcome.positive()

    @property
    def is_frozen(self) -> bool:
        return self.status in (DecisionStatus.SIGNED, DecisionStatus.PUBLISHED)


class CoImplementerShare(models.Model):
    """The part of a decision's grant that the recipient passes on to one co-implementer of a joint project: the
    most that co-implementer may receive. The decision names each such co-implementer and makes the passing on
    conditional on a written agreement (688/2001 section 7(3)), which the grant records before payment."""

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.CASCADE, related_name="co_implementer_shares"
    )
    co_implementer = models.ForeignKey(
        "applications.CoImplementer",
        verbose_name=_("co-implementer"),
        on_delete=models.PROTECT,
        related_name="decision_shares",
    )
    amount = models.DecimalField(_("share passed on (€)"), validators=[MinValueValidator(0)], **AMOUNT)

    class Meta:
        verbose_name = _("co-implementer's share")
        verbose_name_plural = _("co-implementers' shares")
        ordering = ["decision", "co_implementer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "co_implementer"], name="co_implementer_share_once_per_decision"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="co_implementer_share_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.decision_id}: {self.co_implementer} {self.amount} €"
