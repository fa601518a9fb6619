"""Handling a call's applications: who works on which call, the formal check, and the reviewers' scores."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CallAssignment(models.Model):
    """An official assigned to a call as its reviewer or its presenter (esittelijä)."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", _("reviewer")
        PRESENTER = "presenter", _("presenter")

    call = models.ForeignKey(
        "programmes.Call", verbose_name=_("call"), on_delete=models.CASCADE, related_name="assignments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call assignment")
        verbose_name_plural = _("call assignments")
        ordering = ["role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["call", "person", "role"], name="call_assignment_unique")
        ]

    def __str__(self):
        return f"{self.call.reference}: {self.person} ({self.get_role_display()})"


class ScreeningResult(models.TextChoices):
    ELIGIBLE = "eligible", _("eligible")
    INELIGIBLE = "ineligible", _("ineligible")


class Screening(models.Model):
    """The formal check of one application (muodollinen tarkastus).

    The four checks are recorded as the official saw them; an ineligible application is not examined further but
    still gets a decision, with the reason given here.
    """

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="screening",
    )
    arrived_on_time = models.BooleanField(_("arrived on time"))
    applicant_type_eligible = models.BooleanField(_("eligible applicant type"))
    declarations_given = models.BooleanField(_("declarations given"))
    attachments_present = models.BooleanField(_("required attachments present"))
    result = models.CharField(_("result"), max_length=20, choices=ScreeningResult.choices)
    reason = models.TextField(_("reason"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("screened by"), on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(_("screened at"))

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(result="ineligible") | ~models.Q(reason=""),
                name="screening_ineligible_has_reason",
            )
        ]

    def __str__(self):
        return f"{self.application}: {self.get_result_display()}"


class ReviewAssignment(models.Model):
    """One reviewer on one application: their declaration on conflict of interest, then their scores."""

    class Conflict(models.TextChoices):
        UNDECLARED = "undeclared", _("not declared yet")
        NONE = "none", _("no conflict of interest")
        CONFLICTED = "conflicted", _("conflict of interest")

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    conflict = models.CharField(
        _("conflict of interest"), max_length=20, choices=Conflict.choices, default=Conflict.UNDECLARED
    )
    conflict_reason = models.TextField(_("reason for the conflict of interest"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)
    # Only the reviewer sees a draft; it is emptied when the scores are submitted.
    draft_scores = models.JSONField(
        _("draft scores"),
        default=dict,
        blank=True,
        help_text=_("The reviewer's unfinished scores by criterion: {criterion id: {score, justification}}."),
    )
    draft_saved_at = models.DateTimeField(_("draft saved at"), null=True, blank=True)
    weighted_score = models.DecimalField(
        _("weighted score"), max_digits=5, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_assignment_unique"),
            models.CheckConstraint(
                condition=~models.Q(conflict="conflicted") | ~models.Q(conflict_reason=""),
                name="review_conflict_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_at__isnull=True) | models.Q(conflict="none"),
                name="review_scored_only_without_conflict",
            ),
        ]

    def __str__(self):
        return f"{self.application}: {self.reviewer}"


class CriterionScore(models.Model):
    """A reviewer's score of 1–5 on one of the call's criteria, with its written justification."""

    assignment = models.ForeignKey(
        ReviewAssignment, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        "programmes.EvaluationCriterion",
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    justification = models.TextField(_("justification"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="criterion_score_unique"),
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="score_one_to_five"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class PresenterAssignment(models.Model):
    """A presenter for one application, where it is not the call's presenter who presents it."""

    application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="presenter_assignment",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("presenter"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now=True)

    class Meta:
        verbose_name = _("presenter of an application")
        verbose_name_plural = _("presenters of applications")

    def __str__(self):
        return f"{self.application}: {self.person}"
