"""Money after the decision: what the law's interest is reckoned from, and (as issue 6 goes on) payments, returns
and recoveries."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Round
from django.db.models.lookups import Exact, GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

from avustamo.core.dates import in_helsinki, shift_years
from avustamo.core.transitions import Transitions
from avustamo.decisions.models import Decision
from avustamo.grants.models import Grant
from avustamo.organisations.models import OrganisationType, authority_check_field
from avustamo.payments.interest import ADDED_POINTS, InterestKind


class ReferenceRate(models.Model):
    """The reference rate of the Interest Act (korkolaki 633/1982, 12 §) for one half-year.

    The Bank of Finland announces it for 1 January–30 June and 1 July–31 December: the European Central Bank's
    main refinancing rate before the half-year, rounded up to the next half percentage point. Interest on
    returned and recovered grants (688/2001, 24 §) is this rate plus 3 points, penalty interest (25 §) this rate
    plus 7 points. An administrator enters each new rate; no interest is reckoned over a half-year without one.
    """

    valid_from = models.DateField(
        _("valid from"), unique=True, help_text=_("The first day of the half-year: 1 January or 1 July.")
    )
    rate = models.DecimalField(
        _("reference rate (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(-20), MaxValueValidator(50)],
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_(
            "Where the rate was announced, such as the Bank of Finland's notice in the Statute Book."
        ),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("reference rate")
        verbose_name_plural = _("reference rates")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__day=1, valid_from__month__in=[1, 7]),
                name="reference_rate_starts_a_half_year",
            ),
        ]

    def __str__(self):
        return f"{self.valid_from:%d.%m.%Y}: {self.rate} %"

    @property
    def grant_interest_rate(self) -> Decimal:
        return self.rate + ADDED_POINTS[InterestKind.GRANT]

    @property
    def penalty_interest_rate(self) -> Decimal:
        return self.rate + ADDED_POINTS[InterestKind.PENALTY]


def cents(field: str) -> Round:
    """A money column in whole cents, for check constraints that add amounts up: SQLite keeps decimals as floating
    point numbers, so 1.06 + 0.12 would exceed 1.18 there, while sums of whole cents are exact on every database."""
    return Round(models.F(field) * 100)


class InstalmentStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DUE = "due", _("due for payment")
    IN_BATCH = "in_batch", _("in a payment batch")
    PAID = "paid", _("paid")
    OFFSET = "offset", _("paid by offsetting against a claim")
    CANCELLED = "cancelled", _("cancelled")


# An instalment paid to the recipient: by a payment batch, or by offsetting it against a claim on another grant.
PAID_STATUSES = (InstalmentStatus.PAID, InstalmentStatus.OFFSET)


class Instalment(models.Model):
    """One payment of a grant's plan, as the decision sets it (a share of the amount and when it is paid).

    Paid at most once: it joins one batch only, by a conditional update, and its status moves forward only.
    """

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="instalments"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    amount = models.DecimalField(_("amount (€)"), max_digits=14, decimal_places=2)
    condition = models.CharField(_("paid"), max_length=30, choices=Decision.InstalmentCondition.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=InstalmentStatus.choices, default=InstalmentStatus.PLANNED
    )
    batch = models.ForeignKey(
        "payments.PaymentBatch",
        verbose_name=_("payment batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instalments",
    )
    payee_name = models.CharField(_("payee"), max_length=255, blank=True)
    payee_iban = models.CharField(_("payee's IBAN"), max_length=34, blank=True)
    posting = models.JSONField(
        _("accounting posting"),
        default=dict,
        blank=True,
        help_text=_(
            "The account, budget item, operational unit, project and partner the payment is booked to, fixed when "
            "it joins a batch."
        ),
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["grant", "number"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "number"], name="instalment_number_once_per_grant"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="instalment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["in_batch", "paid"], batch__isnull=False)
                | (~models.Q(status__in=["in_batch", "paid"]) & models.Q(batch__isnull=True)),
                name="instalment_in_a_batch_when_batched_or_paid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["paid", "offset"]) | models.Q(paid_on__isnull=False),
                name="instalment_paid_or_offset_has_a_date",
            ),
        ]

    def __str__(self):
        return f"{self.grant.application} {self.number}: {self.amount} €"

    @property
    def reference(self) -> str:
        """The payment's own reference, the same in every export: the end-to-end id of its credit transfer."""
        return f"AVUSTAMO-{self.pk}"


class BatchStatus(models.TextChoices):
    PREPARED = "prepared", _("prepared, awaiting approval")
    APPROVED = "approved", _("approved")
    SENT = "sent", _("sent to the invoice circulation")
    PAID = "paid", _("paid")
    ANSWERED = "answered", _("answered by the invoice circulation")


BATCH_TRANSITIONS = Transitions(
    BatchStatus,
    {
        "approve": ([BatchStatus.PREPARED], BatchStatus.APPROVED, "payment_batch.approved"),
        "mark_paid": ([BatchStatus.APPROVED], BatchStatus.PAID, "payment_batch.paid"),
        "send": ([BatchStatus.APPROVED], BatchStatus.SENT, "payment_batch.sent"),
        "answered": ([BatchStatus.SENT], BatchStatus.ANSWERED, "payment_batch.answered"),
    },
)


class PaymentBatch(models.Model):
    """Due instalments gathered by a finance officer, approved by a second person, exported as an ISO 20022
    credit transfer (pain.001.001.03) from the agency's account, and marked paid when the bank has paid it."""

    agency = models.ForeignKey(
        "programmes.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    execution_date = models.DateField(_("day of payment"))
    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.PREPARED
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    credit_transfer = models.BinaryField(_("credit transfer file"), editable=False, blank=True, default=b"")
    exported_at = models.DateTimeField(_("first exported at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    delivery_error = models.TextField(
        _("why the last delivery failed"),
        blank=True,
        help_text=_("Empty once every invoice of the batch has reached the invoice circulation."),
    )

    transitions = BATCH_TRANSITIONS

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-prepared_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(approved_by=models.F("prepared_by")), name="payment_batch_four_eyes"
            ),
            models.CheckConstraint(
                condition=models.Q(status="prepared")
                | models.Q(approved_by__isnull=False, approved_at__isnull=False),
                name="payment_batch_approved_before_export_or_payment",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="paid") | models.Q(paid_on__isnull=False),
                name="payment_batch_paid_has_a_date",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return batch_reference(self.agency.code, self.execution_date, self.pk)


def batch_reference(agency_code: str, execution_date: datetime.date, pk: int) -> str:
    """A batch's reference, also for pages that read its parts without the batch: agency, day of payment, number."""
    return f"{agency_code}-{execution_date:%Y%m%d}-{pk}"


class LedgerKind(models.TextChoices):
    AWARDED = "awarded", _("awarded")
    CHANGED = "changed", _("changed by a decision")
    DECLINED = "declined", _("declined by the recipient")
    PAID = "paid", _("paid")
    RECLAIMED = "reclaimed", _("to be returned or recovered")
    RETURNED = "returned", _("returned")
    WAIVED = "waived", _("waived by a reduction decision")
    OFFSET = "offset", _("paid by offsetting against a claim")


class LedgerEntry(models.Model):
    """One movement of a grant's money, never changed once written: awarded, changed by a decision, declined, paid
    (returns, recoveries and interest follow). The grant's figures are sums of its entries, and they reconcile
    with its instalments at every moment (`selectors.ledger_of`, tested with random sequences of operations).

    Amounts are signed: what the state owes the recipient grows with awards and shrinks with declines, negative
    changes and payments."""

    grant = models.ForeignKey(Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(_("kind"), max_length=20, choices=LedgerKind.choices)
    amount = models.DecimalField(_("amount (€)"), max_digits=14, decimal_places=2)
    occurred_on = models.DateField(_("date"))
    decision = models.ForeignKey(
        "decisions.Decision", verbose_name=_("decision"), null=True, blank=True, on_delete=models.PROTECT
    )
    batch = models.ForeignKey(
        PaymentBatch, verbose_name=_("payment batch"), null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["grant", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="awarded") | models.Q(amount__gt=0), name="ledger_award_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=["paid", "declined", "reclaimed", "offset"])
                | models.Q(amount__lt=0),
                name="ledger_payment_and_decline_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="returned") | models.Q(amount__gt=0), name="ledger_return_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="waived") | models.Q(amount__gt=0), name="ledger_waiver_positive"
            ),
        ]

    def __str__(self):
        return f"{self.grant_id} {self.kind} {self.amount}"


class PaymentApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


PAYMENT_APPLICATION_TRANSITIONS = Transitions(
    PaymentApplicationStatus,
    {
        "approve": (
            [PaymentApplicationStatus.SUBMITTED],
            PaymentApplicationStatus.APPROVED,
            "payment_application.approved",
        ),
        "reject": (
            [PaymentApplicationStatus.SUBMITTED],
            PaymentApplicationStatus.REJECTED,
            "payment_application.rejected",
        ),
    },
)


class PaymentApplication(models.Model):
    """A recipient's application for payment in arrears (maksatushakemus): the costs incurred in a period and the
    amount asked for them, decided by an official. An approved amount becomes a due instalment, taken from the
    grant's planned in-arrears instalment, so the plan still adds up to the grant."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="payment_applications"
    )
    period_start = models.DateField(_("costs from"))
    period_end = models.DateField(_("costs until"))
    costs_incurred = models.DecimalField(_("eligible costs incurred (€)"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount applied for (€)"), max_digits=14, decimal_places=2)
    description = models.TextField(_("what the costs were for"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PaymentApplicationStatus.choices,
        default=PaymentApplicationStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    authority_check = authority_check_field()
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    approved_amount = models.DecimalField(
        _("amount approved (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reasons"), blank=True)
    instalment = models.OneToOneField(
        Instalment,
        verbose_name=_("instalment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_application",
    )
    language = models.CharField(_("language of the decision"), max_length=2, default="fi")
    document = models.FileField(
        _("decision refusing costs"),
        upload_to="payment-applications/%Y/",
        blank=True,
        help_text=_("Made when less is approved than was applied for, or nothing."),
    )

    transitions = PAYMENT_APPLICATION_TRANSITIONS

    class Meta:
        verbose_name = _("payment application")
        verbose_name_plural = _("payment applications")
        ordering = ["grant", "submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, costs_incurred__gte=models.F("amount")),
                name="payment_application_amount_within_costs",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="payment_application_period_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(
                    approved_amount__gt=0, approved_amount__lte=models.F("amount"), instalment__isnull=False
                ),
                name="payment_application_approved_has_an_instalment",
            ),
        ]

    def __str__(self):
        return f"{self.grant.application} {self.period_start}–{self.period_end}: {self.amount} €"

    @property
    def refuses_costs(self) -> bool:
        """Decided for less than was applied for, or rejected: a decision against the recipient, with a document."""
        return self.status == PaymentApplicationStatus.REJECTED or (
            self.status == PaymentApplicationStatus.APPROVED and self.approved_amount < self.amount
        )

    @property
    def decided_on(self) -> datetime.date | None:
        return in_helsinki(self.decided_at).date() if self.decided_at else None


class ReturnGround(models.TextChoices):
    IN_ERROR = "20_in_error", _("Section 20: received in error, in excess or manifestly without grounds")
    NOT_USED_AS_DECIDED = "20_not_used", _("Section 20: not used as the decision requires")
    NOT_RETURNED = "21_not_returned", _("Section 21: not returned when it should have been")
    OTHER_PURPOSE = "21_other_purpose", _("Section 21: used essentially for another purpose")
    FALSE_INFORMATION = (
        "21_false_information",
        _("Section 21: false or misleading information, or concealment"),
    )
    MATERIAL_BREACH = "21_material_breach", _("Section 21: other material breach of the law or the terms")
    DISCRETIONARY = "22_discretionary", _("Section 22: a ground for discretionary recovery")

    @classmethod
    def return_duty(cls) -> tuple[str, ...]:
        """The grounds of the recipient's own duty to return (20 §), where 100 € or less is not reclaimed."""
        return (cls.IN_ERROR, cls.NOT_USED_AS_DECIDED)


class ReturnClaim(models.Model):
    """A return or recovery the authority has decided: the amount, its ground, the interest of 24 § reckoned from
    the payments it is taken from up to the due date (each line kept for the decision), and, once the money has
    come back, the day and any penalty interest of 25 §."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="return_claims"
    )
    ground = models.CharField(_("ground"), max_length=30, choices=ReturnGround.choices)
    amount = models.DecimalField(_("amount to return (€)"), max_digits=14, decimal_places=2)
    due_date = models.DateField(_("due date"))
    learned_on = models.DateField(
        _("grounds learned on"), help_text=_("Recovery is decided within a year of this day (section 29).")
    )
    reasons = models.TextField(_("reasons"))
    interest = models.DecimalField(_("interest (section 24, €)"), max_digits=14, decimal_places=2)
    interest_lines = models.JSONField(_("interest by payment and half-year"), default=list)
    interest_parts = models.JSONField(
        _("payments the amount is taken from"),
        default=list,
        help_text=_("Each as payment day and part of the amount: the interest is completed from them."),
    )
    interest_reckoned_to = models.DateField(
        _("interest reckoned up to"),
        help_text=_(
            "The due date once the interest is complete; before the next reference rate is announced, the day "
            "of the decision (the day itself not counted)."
        ),
    )
    waived_amount = models.DecimalField(
        _("amount waived (section 26, €)"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    waived_interest = models.DecimalField(
        _("interest waived (section 26, €)"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    offset_amount = models.DecimalField(
        _("amount paid by offsetting (€)"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    offset_interest = models.DecimalField(
        _("interest paid by offsetting (€)"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    penalty_interest = models.DecimalField(
        _("penalty interest (section 25, €)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    language = models.CharField(
        _("language of the decision"),
        max_length=2,
        default="fi",
        help_text=_("The language of the grant decision: the return decision is made in the same one."),
    )
    document = models.FileField(_("return or recovery decision"), upload_to="returns/%Y/", blank=True)

    class Meta:
        verbose_name = _("return or recovery")
        verbose_name_plural = _("returns and recoveries")
        ordering = ["grant", "decided_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="return_claim_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(received_on__isnull=True) | models.Q(penalty_interest__isnull=False),
                name="return_claim_received_has_its_penalty_interest",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    GreaterThanOrEqual(cents("amount"), cents("waived_amount") + cents("offset_amount")),
                    waived_amount__gte=0,
                    offset_amount__gte=0,
                ),
                name="return_claim_waived_and_offset_within_the_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    GreaterThanOrEqual(
                        cents("interest"), cents("waived_interest") + cents("offset_interest")
                    ),
                    waived_interest__gte=0,
                    offset_interest__gte=0,
                ),
                name="return_claim_waived_and_offset_within_the_interest",
            ),
        ]

    def __str__(self):
        return f"{self.grant.application}: {self.amount} €"

    @property
    def decided_on(self) -> datetime.date:
        return in_helsinki(self.decided_at).date()

    @property
    def is_recovery(self) -> bool:
        """A recovery (takaisinperintä, 21–22 §) rather than a return the recipient owed by 20 §."""
        return self.ground not in ReturnGround.return_duty()

    @property
    def stops_payments(self) -> bool:
        """21 § orders, and 22 § allows, the authority to stop the payments and recover what was paid; a claim on
        those grounds stops the grant's unpaid instalments. A return of 20 § leaves the plan alone: payments stop
        only by a suspension of 19 §."""
        return self.is_recovery

    @property
    def interest_complete(self) -> bool:
        return self.interest_reckoned_to >= self.due_date

    @property
    def amount_left(self) -> Decimal:
        """Of the amount, what is neither waived nor paid by offsetting."""
        return self.amount - self.waived_amount - self.offset_amount

    @property
    def interest_left(self) -> Decimal:
        return self.interest - self.waived_interest - self.offset_interest

    @property
    def total_left(self) -> Decimal:
        return self.amount_left + self.interest_left

    @property
    def is_open(self) -> bool:
        return self.received_on is None and self.total_left > 0


# 688/2001, 29 §: a recovery is decided within a year of learning its grounds; the pages warn in its last three
# months.
RECOVERY_YEARS_AFTER_LEARNING = 1
GROUNDS_WARNING_MONTHS = 3


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months earlier; a day the month lacks becomes its last day."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return datetime.date(year, month, min(day.day, (following - datetime.timedelta(days=1)).day))


class RecoveryGrounds(models.Model):
    """Grounds for a return or recovery that have come to the authority's knowledge, noted before any claim is
    decided on them: the day they were learned starts the one year of 29 §. They are closed by the claim decided
    on them, or by an official's note that no claim will be made, with the reasons."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="recovery_grounds"
    )
    ground = models.CharField(_("ground"), max_length=30, choices=ReturnGround.choices)
    learned_on = models.DateField(_("grounds learned on"))
    description = models.TextField(_("what came to light"))
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("noted by"), on_delete=models.PROTECT, related_name="+"
    )
    noted_at = models.DateTimeField(_("noted at"), auto_now_add=True)
    claim = models.OneToOneField(
        ReturnClaim,
        verbose_name=_("claim decided on these grounds"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recovery_grounds",
    )
    no_claim_reasons = models.TextField(_("reasons for making no claim"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("grounds for a return or recovery")
        verbose_name_plural = _("grounds for returns or recoveries")
        ordering = ["grant", "learned_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, claim__isnull=True, no_claim_reasons="")
                | models.Q(closed_at__isnull=False, claim__isnull=False, no_claim_reasons="")
                | (models.Q(closed_at__isnull=False, claim__isnull=True) & ~models.Q(no_claim_reasons="")),
                name="recovery_grounds_closed_by_a_claim_or_with_reasons",
            ),
        ]

    def __str__(self):
        return f"{self.grant.application}: {self.get_ground_display()} ({self.learned_on})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def decide_by(self) -> datetime.date:
        """The last day a recovery may be decided on these grounds: a year from learning them (29 §)."""
        return shift_years(self.learned_on, RECOVERY_YEARS_AFTER_LEARNING)

    @property
    def warn_from(self) -> datetime.date:
        """The first day of the last three months before `decide_by`, from which the pages warn."""
        return months_before(self.decide_by, GROUNDS_WARNING_MONTHS)

    def warns(self, today: datetime.date) -> bool:
        return self.is_open and today >= self.warn_from


class VoluntaryReturn(models.Model):
    """The recipient's own announcement that it returns money of the grant (vapaaehtoinen palautus, 20 §), with
    its reasons. An official records it as a return decided on a ground of 20 §, which reckons the interest of
    24 § and makes the return decision."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="voluntary_returns"
    )
    amount = models.DecimalField(_("amount returned (€)"), max_digits=14, decimal_places=2)
    reasons = models.TextField(_("why the money is returned"))
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("announced by"), on_delete=models.PROTECT, related_name="+"
    )
    announced_at = models.DateTimeField(_("announced at"), auto_now_add=True)
    claim = models.OneToOneField(
        ReturnClaim,
        verbose_name=_("return decided on the announcement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="voluntary_return",
    )

    class Meta:
        verbose_name = _("voluntary return")
        verbose_name_plural = _("voluntary returns")
        ordering = ["grant", "announced_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="voluntary_return_amount_positive"),
        ]

    def __str__(self):
        return f"{self.grant.application}: {self.amount} €"

    @property
    def announced_on(self) -> datetime.date:
        return in_helsinki(self.announced_at).date()


class SuspensionStatus(models.TextChoices):
    IN_FORCE = "in_force", _("in force")
    ENDED = "ended", _("ended")


SUSPENSION_TRANSITIONS = Transitions(
    SuspensionStatus,
    {"end": ([SuspensionStatus.IN_FORCE], SuspensionStatus.ENDED, "payment_suspension.ended")},
)


class PaymentSuspension(models.Model):
    """A decision to suspend the payments of a grant (maksatuksen keskeyttäminen, 19 §): its grounds, reasons, from
    when and until when (or until further notice). While it is in force no instalment of the grant is batched; a
    decision of its own, with reasons, ends it and the payments go again."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="suspensions"
    )
    grounds = models.TextField(
        _("grounds (section 19)"),
        help_text=_("Which ground of section 19 applies, and the facts it rests on."),
    )
    reasons = models.TextField(_("reasons"))
    starts_on = models.DateField(_("suspended from"))
    ends_on = models.DateField(
        _("suspended until"), null=True, blank=True, help_text=_("Left empty: until further notice.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SuspensionStatus.choices, default=SuspensionStatus.IN_FORCE
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    language = models.CharField(_("language of the decision"), max_length=2, default="fi")
    document = models.FileField(_("suspension decision"), upload_to="suspensions/%Y/", blank=True)
    end_reasons = models.TextField(_("reasons for ending the suspension"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_document = models.FileField(
        _("decision ending the suspension"), upload_to="suspensions/%Y/", blank=True
    )

    transitions = SUSPENSION_TRANSITIONS

    class Meta:
        verbose_name = _("suspension of payments")
        verbose_name_plural = _("suspensions of payments")
        ordering = ["grant", "decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="payment_suspension_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(status="in_force", ended_at__isnull=True)
                | (models.Q(status="ended", ended_at__isnull=False) & ~models.Q(end_reasons="")),
                name="payment_suspension_ended_with_reasons",
            ),
        ]

    def __str__(self):
        return f"{self.grant.application}: {self.starts_on}–{self.ends_on or '…'}"

    @property
    def decided_on(self) -> datetime.date:
        return in_helsinki(self.decided_at).date()

    @property
    def ended_on(self) -> datetime.date | None:
        return in_helsinki(self.ended_at).date() if self.ended_at else None

    def in_force_on(self, day: datetime.date) -> bool:
        return (
            self.status == SuspensionStatus.IN_FORCE
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )


def suspensions_in_force_on(day: datetime.date) -> models.Q:
    """The condition, on a PaymentSuspension, of being in force on `day`."""
    return models.Q(status=SuspensionStatus.IN_FORCE, starts_on__lte=day) & (
        models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day)
    )


class ClaimWaiver(models.Model):
    """A decision to waive or reduce (kohtuullistaminen, 26 §) a return or recovery: part or all of the amount still
    due, of its interest, or both, with the reasons. The claim and the grant's ledger show what is left."""

    claim = models.ForeignKey(
        ReturnClaim, verbose_name=_("return or recovery"), on_delete=models.PROTECT, related_name="waivers"
    )
    amount = models.DecimalField(_("amount waived (€)"), max_digits=14, decimal_places=2)
    interest = models.DecimalField(_("interest waived (€)"), max_digits=14, decimal_places=2)
    reasons = models.TextField(_("reasons"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    language = models.CharField(_("language of the decision"), max_length=2, default="fi")
    document = models.FileField(_("reduction decision"), upload_to="waivers/%Y/", blank=True)

    class Meta:
        verbose_name = _("waiver or reduction")
        verbose_name_plural = _("waivers and reductions")
        ordering = ["claim", "decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0, interest__gte=0)
                & (models.Q(amount__gt=0) | models.Q(interest__gt=0)),
                name="claim_waiver_waives_something",
            ),
        ]

    def __str__(self):
        return f"{self.claim}: {self.amount} € and interest {self.interest} € waived"

    @property
    def decided_on(self) -> datetime.date:
        return in_helsinki(self.decided_at).date()


class ClaimOffset(models.Model):
    """A decision to offset (kuittaus) an amount due on a return or recovery against an unpaid instalment of another
    grant to the same recipient: the instalment is reduced by the amount, which is paid, on the day of offsetting,
    to the claim instead (first its amount, then its interest)."""

    claim = models.ForeignKey(
        ReturnClaim, verbose_name=_("return or recovery"), on_delete=models.PROTECT, related_name="offsets"
    )
    from_instalment = models.ForeignKey(
        Instalment,
        verbose_name=_("instalment offset against"),
        on_delete=models.PROTECT,
        related_name="offsets_against",
    )
    offset_instalment = models.OneToOneField(
        Instalment,
        verbose_name=_("the part paid by offsetting"),
        on_delete=models.PROTECT,
        related_name="offset",
    )
    amount = models.DecimalField(_("amount offset (€)"), max_digits=14, decimal_places=2)
    principal = models.DecimalField(_("of which the claim's amount (€)"), max_digits=14, decimal_places=2)
    interest = models.DecimalField(_("of which interest (€)"), max_digits=14, decimal_places=2)
    offset_on = models.DateField(_("offset on"))
    reasons = models.TextField(_("reasons"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    language = models.CharField(_("language of the decision"), max_length=2, default="fi")
    document = models.FileField(_("offsetting decision"), upload_to="offsets/%Y/", blank=True)

    class Meta:
        verbose_name = _("offsetting")
        verbose_name_plural = _("offsettings")
        ordering = ["claim", "decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, principal__gte=0, interest__gte=0)
                & models.Q(Exact(cents("amount"), cents("principal") + cents("interest"))),
                name="claim_offset_adds_up",
            ),
        ]

    def __str__(self):
        return f"{self.claim}: {self.amount} €"

    @property
    def decided_on(self) -> datetime.date:
        return self.offset_on


class PostingPurpose(models.TextChoices):
    """What a posting books: a grant paid (an expense of the State's transfers, its account by the recipient's
    kind) or money coming back (income)."""

    TRANSFER = "transfer", _("grant paid")
    RETURN = "return", _("grant returned (section 20)")
    RECOVERY = "recovery", _("grant recovered (sections 21 and 22)")
    INTEREST = "interest", _("interest (section 24)")
    PENALTY_INTEREST = "penalty_interest", _("penalty interest (section 25)")


class PostingAccount(models.Model):
    """An account of the State's chart of accounts (an eight-digit account of the general ledger) an agency books
    one kind of money to: a grant paid, by the recipient's organisation type, or a return, recovery or interest."""

    agency = models.ForeignKey(
        "programmes.Agency",
        verbose_name=_("agency"),
        on_delete=models.CASCADE,
        related_name="posting_accounts",
    )
    purpose = models.CharField(_("books"), max_length=20, choices=PostingPurpose.choices)
    organisation_type = models.CharField(
        _("recipient's organisation type"),
        max_length=40,
        choices=OrganisationType.choices,
        blank=True,
        help_text=_("For grants paid only: the account follows the kind of recipient."),
    )
    account = models.CharField(
        _("general ledger account"),
        max_length=8,
        validators=[
            RegexValidator(r"^\d{8}$", _("Enter the account as the eight digits of the State's chart."))
        ],
    )

    class Meta:
        verbose_name = _("account of the State's chart")
        verbose_name_plural = _("accounts of the State's chart")
        ordering = ["agency", "purpose", "organisation_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "purpose", "organisation_type"], name="posting_account_once_per_purpose"
            ),
            models.CheckConstraint(
                condition=models.Q(purpose="transfer") & ~models.Q(organisation_type="")
                | ~models.Q(purpose="transfer") & models.Q(organisation_type=""),
                name="posting_account_by_organisation_type_for_transfers_only",
            ),
        ]

    def __str__(self):
        kind = self.get_organisation_type_display() if self.organisation_type else self.get_purpose_display()
        return f"{self.agency.code} {kind}: {self.account}"


class Posting(models.Model):
    """Money of a grant booked in the State's accounts: where (account, budget item, operational unit, project,
    partner), how much and on which day. Written when the money moves (a payment confirmed, a return received,
    an offsetting), never changed; the postings of a day add up to the ledger's movements of that day."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("grant"), on_delete=models.PROTECT, related_name="postings"
    )
    purpose = models.CharField(_("books"), max_length=20, choices=PostingPurpose.choices)
    account = models.CharField(_("general ledger account"), max_length=8)
    budget_item = models.CharField(_("budget item"), max_length=40, blank=True)
    operational_unit = models.CharField(_("operational unit"), max_length=20, blank=True)
    project_code = models.CharField(_("project code"), max_length=20, blank=True)
    partner_code = models.CharField(_("partner code"), max_length=20, blank=True)
    amount = models.DecimalField(_("amount (€)"), max_digits=14, decimal_places=2)
    booked_on = models.DateField(_("booked on"))
    instalment = models.ForeignKey(
        Instalment,
        verbose_name=_("instalment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    batch = models.ForeignKey(
        PaymentBatch, verbose_name=_("payment batch"), null=True, blank=True, on_delete=models.PROTECT
    )
    claim = models.ForeignKey(
        "payments.ReturnClaim",
        verbose_name=_("return or recovery"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["booked_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="posting_amount_positive"),
        ]

    def __str__(self):
        return f"{self.booked_on} {self.account} {self.amount}"


class InvoiceStatus(models.TextChoices):
    MADE = "made", _("made, not yet delivered")
    SENT = "sent", _("delivered, awaiting confirmation")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")


INVOICE_TRANSITIONS = Transitions(
    InvoiceStatus,
    {
        "deliver": ([InvoiceStatus.MADE], InvoiceStatus.SENT, "invoice.delivered"),
        # A confirmation may overtake the record of its delivery (the file went, the worker stopped).
        "pay": ([InvoiceStatus.MADE, InvoiceStatus.SENT], InvoiceStatus.PAID, "invoice.paid"),
        "reject": ([InvoiceStatus.MADE, InvoiceStatus.SENT], InvoiceStatus.REJECTED, "invoice.rejected"),
    },
)


class Invoice(models.Model):
    """One payment as the XML invoice message the State's invoice circulation (Handi) receives over SFTP: made
    once when the approved batch is sent and kept as made, delivered under its own file name, and answered by a
    confirmation naming its long reference (paid on a day, or rejected)."""

    instalment = models.ForeignKey(
        Instalment, verbose_name=_("instalment"), on_delete=models.PROTECT, related_name="invoices"
    )
    batch = models.ForeignKey(
        PaymentBatch, verbose_name=_("payment batch"), on_delete=models.PROTECT, related_name="invoices"
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    long_reference = models.CharField(_("long reference"), max_length=60, unique=True)
    file_name = models.CharField(_("file name"), max_length=100, unique=True)
    message = models.BinaryField(_("invoice message"), editable=False)
    amount = models.DecimalField(_("amount (€)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.MADE
    )
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    rejection_reason = models.TextField(_("why it was rejected"), blank=True)

    transitions = INVOICE_TRANSITIONS

    class Meta:
        verbose_name = _("invoice message")
        verbose_name_plural = _("invoice messages")
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["instalment"],
                condition=models.Q(status__in=["made", "sent", "paid"]),
                name="invoice_one_standing_per_instalment",
            ),
            models.UniqueConstraint(fields=["instalment", "attempt"], name="invoice_attempt_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="paid")
                | models.Q(paid_on__isnull=False, answered_at__isnull=False),
                name="invoice_paid_has_a_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | models.Q(answered_at__isnull=False),
                name="invoice_rejected_was_answered",
            ),
        ]

    def __str__(self):
        return self.long_reference


class ConfirmationOutcome(models.TextChoices):
    PAID = "paid", _("payment confirmed")
    REJECTED = "rejected", _("payment rejected")
    ALREADY_ANSWERED = "already_answered", _("the invoice was already answered")
    UNMATCHED = "unmatched", _("matches no invoice")
    UNREADABLE = "unreadable", _("not a confirmation message")


class ConfirmationFile(models.Model):
    """A file fetched from the invoice circulation, kept as received, with what became of it. Its name is fetched
    once: a file seen again (its moving aside failed) is only moved aside."""

    name = models.CharField(_("file name"), max_length=255, unique=True)
    content = models.BinaryField(_("content"), editable=False)
    fetched_at = models.DateTimeField(_("fetched at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ConfirmationOutcome.choices)
    long_reference = models.CharField(_("long reference"), max_length=255, blank=True)
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice message"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="confirmations",
    )
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("confirmation file")
        verbose_name_plural = _("confirmation files")
        ordering = ["-fetched_at", "-pk"]

    def __str__(self):
        return self.name
