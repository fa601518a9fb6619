"""Requests for review (oikaisuvaatimus, begäran om omprövning) of the decisions of an application's case, under
section 34 of the Act on Discretionary Government Grants 688/2001 and chapter 7 a of the Administrative Procedure
Act 434/2003, and the decisions on them, which alone carry appeal instructions to an administrative court."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustamo.core.notices import review_time_limit
from avustamo.core.transitions import Transitions
from avustamo.organisations.models import authority_check_field


class ReviewStatus(models.TextChoices):
    RECEIVED = "received", _("received, being prepared")
    FOR_SIGNING = "for_signing", _("sent for signing")
    DECIDED = "decided", _("decided")


REVIEW_REQUEST_TRANSITIONS = Transitions(
    ReviewStatus,
    {
        "send_for_signing": (
            [ReviewStatus.RECEIVED],
            ReviewStatus.FOR_SIGNING,
            "review_request.sent_for_signing",
        ),
        "return": ([ReviewStatus.FOR_SIGNING], ReviewStatus.RECEIVED, "review_request.returned"),
        "decide": ([ReviewStatus.FOR_SIGNING], ReviewStatus.DECIDED, "review_request.decided"),
    },
)


class ReviewOutcome(models.TextChoices):
    REJECTED = "rejected", _("rejected")
    ACCEPTED_IN_PART = "accepted_in_part", _("accepted in part")
    ACCEPTED = "accepted", _("accepted in full")
    NOT_EXAMINED = "not_examined", _("not examined")

    @classmethod
    def accepting(cls) -> set[str]:
        return {cls.ACCEPTED_IN_PART, cls.ACCEPTED}


class ReviewChannel(models.TextChoices):
    SERVICE = "service", _("in the service")
    EMAIL = "email", _("by email")
    POST = "post", _("by post or delivered by hand")


class ReviewRequest(models.Model):
    """A party's request to review one decision of an application's case, from its arrival to the decision on it.

    The decision contested is named by its notice (`core.DecisionNotice`), which every kind of decision has and
    which gives its notification date, from which the 30 days of section 49 c run."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="review_requests",
    )
    contested = models.ForeignKey(
        "core.DecisionNotice",
        verbose_name=_("decision contested"),
        on_delete=models.PROTECT,
        related_name="review_requests",
    )
    register_number = models.CharField(_("register number"), max_length=40, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.RECEIVED
    )
    channel = models.CharField(_("arrived"), max_length=20, choices=ReviewChannel.choices)
    arrived_on = models.DateField(_("arrived on"))
    requested_change = models.TextField(_("change requested"))
    grounds = models.TextField(_("grounds"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    authority_check = authority_check_field()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The official who entered a request that arrived by email or post."),
    )
    language = models.CharField(_("language of the decision"), max_length=2, default="fi")
    outcome = models.CharField(
        _("proposed outcome"), max_length=20, choices=ReviewOutcome.choices, blank=True
    )
    reasons = models.TextField(_("reasons"), blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presenter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_maker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decision maker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_for_signing_at = models.DateTimeField(_("sent for signing at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_date = models.DateField(_("date of decision"), null=True, blank=True)
    document = models.FileField(_("decision document"), upload_to="review-decisions/%Y/", blank=True)
    correction = models.OneToOneField(
        "decisions.Decision",
        verbose_name=_("correcting decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_request",
        help_text=_("The new grant decision that carries out an accepting decision on a request for review."),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    transitions = REVIEW_REQUEST_TRANSITIONS

    class Meta:
        verbose_name = _("request for review")
        verbose_name_plural = _("requests for review")
        ordering = ["-arrived_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision_maker=models.F("presenter")), name="review_request_four_eyes"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="decided")
                | models.Q(decision_date__isnull=False, decision_maker__isnull=False, outcome__gt=""),
                name="review_request_decided_has_decision",
            ),
            models.CheckConstraint(
                condition=models.Q(submitted_by__isnull=False) | models.Q(registered_by__isnull=False),
                name="review_request_has_sender_or_registrar",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=["fi", "sv"]), name="review_request_language"
            ),
        ]

    def __str__(self):
        return f"{self.register_number} ({self.application.register_number})"

    @property
    def time_limit_ends(self) -> datetime.date | None:
        """The last day to request a review of the contested decision, from its notification date as known now;
        None while it is not known (a letter not yet posted nor opened)."""
        return review_time_limit(self.contested)

    @property
    def in_time(self) -> bool:
        """Whether it arrived by the last day. A request that arrives before the decision's notification date is
        known has arrived before the time limit even began: it is in time."""
        time_limit_ends = self.time_limit_ends
        return time_limit_ends is None or self.arrived_on <= time_limit_ends

    @property
    def is_accepting(self) -> bool:
        return self.outcome in ReviewOutcome.accepting()


class ReviewRequestAttachment(models.Model):
    review_request = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="review-requests/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=10)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment of a request for review")
        verbose_name_plural = _("attachments of requests for review")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name
