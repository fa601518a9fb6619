"""The public register of decisions: only what has been published is ever stored here.

Rows are written by `register.services` alone: on publishing a signed decision, or on importing a funder's own
published history. The public pages, exports and API read this table through `register.selectors` and never
the applications or decisions behind it, so nothing unpublished can reach them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from avustamo.organisations.models import OrganisationType
from avustamo.register import search


class GrantOutcome(models.TextChoices):
    AWARDED = "awarded", _("awarded")
    REJECTED = "rejected", _("rejected")
    NOT_EXAMINED = "not_examined", _("not examined")


class PublishedGrant(models.Model):
    """A decision as published: from a signed decision in this service, or from a funder's published history.

    Programme, agency, region and organisation type are copied in at publication, so that the register filters a
    million rows without joins and a later change to an organisation never rewrites what was published. The
    recipient's name is kept exactly as published. Historic rows carry a Business ID only when their source
    published one; organisations are never matched by name.
    """

    class Source(models.TextChoices):
        PUBLISHED_HISTORY = "published_history", _("published history")
        DECISION = "decision", _("decision in this service")

    call = models.ForeignKey(
        "programmes.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="grants"
    )
    programme = models.ForeignKey(
        "programmes.Programme", verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "programmes.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_grants",
    )
    decision = models.OneToOneField(
        "decisions.Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_grant",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=GrantOutcome.choices, default=GrantOutcome.AWARDED
    )
    recipient_name = models.CharField(_("recipient as published"), max_length=255)
    recipient_business_id = models.CharField(_("recipient's Business ID"), max_length=9, blank=True)
    recipient_type = models.CharField(
        _("organisation type"), max_length=40, choices=OrganisationType.choices, blank=True
    )
    municipality = models.ForeignKey(
        "reference.Municipality",
        verbose_name=_("home municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project_name = models.CharField(_("project"), max_length=1000, blank=True)
    purpose = models.TextField(_("purpose of use"), blank=True)
    amount_awarded = models.DecimalField(_("amount awarded (€)"), max_digits=14, decimal_places=2)
    funding_year = models.PositiveSmallIntegerField(_("funding year"))
    decision_date = models.DateField(_("date of decision"), null=True, blank=True)
    period_start = models.DateField(_("period of use starts"), null=True, blank=True)
    period_end = models.DateField(_("period of use ends"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_url = models.URLField(_("source page"), max_length=500, blank=True)
    source_language = models.CharField(_("language of the source"), max_length=2, blank=True)
    source_notes = models.TextField(_("notes on the source"), blank=True)
    source_identifier = models.CharField(
        _("identifier in the source"),
        max_length=200,
        blank=True,
        help_text=_("The grant's own identifier in an imported open data file, such as its 360Giving id."),
    )
    search_text = models.TextField(
        editable=False,
        help_text="Lower-cased words of the names and purpose with their stems; see register.search.",
    )
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("published grant")
        verbose_name_plural = _("published grants")
        ordering = ["-funding_year", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "recipient_name", "project_name"],
                condition=models.Q(source="published_history", source_identifier=""),
                name="published_history_unique_per_call",
            ),
            models.UniqueConstraint(
                fields=["agency", "source_identifier"],
                condition=~models.Q(source_identifier=""),
                name="published_grant_unique_source_identifier",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="awarded", amount_awarded__gt=0)
                | (~models.Q(outcome="awarded") & models.Q(amount_awarded=0)),
                name="published_grant_amount_matches_outcome",
            ),
        ]
        indexes = [
            # One per sort order of the register, each ending in id for stable keyset pages.
            models.Index(fields=["outcome", "-funding_year", "-id"], name="grant_newest"),
            models.Index(fields=["outcome", "amount_awarded", "id"], name="grant_amount"),
            models.Index(fields=["outcome", "recipient_name", "id"], name="grant_recipient"),
            models.Index(fields=["funding_year", "programme"], name="grant_year_programme"),
            models.Index(fields=["recipient_business_id", "-funding_year"], name="grant_business_id"),
            models.Index(fields=["region", "-funding_year"], name="grant_region"),
            models.Index(fields=["recipient_type", "-funding_year"], name="grant_recipient_type"),
            # A region or programme filter walks its own rows newest first, and an amount range within a region or
            # a year is counted from the index alone.
            models.Index(fields=["outcome", "region", "-funding_year", "-id"], name="grant_region_newest"),
            models.Index(
                fields=["outcome", "programme", "-funding_year", "-id"], name="grant_programme_newest"
            ),
            models.Index(fields=["outcome", "region", "amount_awarded"], name="grant_region_amount"),
            models.Index(fields=["outcome", "funding_year", "amount_awarded"], name="grant_year_amount"),
        ]

    DERIVED_FIELDS = ("programme", "agency", "region", "search_text")

    def __str__(self):
        return f"{self.recipient_name} {self.funding_year}: {self.amount_awarded} €"

    def save(self, *args, update_fields=None, **kwargs):
        self.fill_derived()
        if update_fields is not None:
            update_fields = {*update_fields, *self.DERIVED_FIELDS}
        super().save(*args, update_fields=update_fields, **kwargs)

    def fill_derived(self) -> None:
        """Copy in what follows from the call and the municipality, and the words the search matches."""
        self.programme_id = self.call.programme_id
        self.agency_id = self.call.programme.agency_id
        if self.municipality_id:
            self.region_id = self.municipality.region_id
        self.search_text = search.document(self.recipient_name, self.project_name, self.purpose)


class GrantTotal(models.Model):
    """Counts and sums of the register per year, programme, region and outcome, for statistics at any scale.

    Derived data: `register.services.refresh_totals` recomputes the groups a write touches from PublishedGrant
    in the same transaction, so the totals always equal the register's own sums.
    """

    funding_year = models.PositiveSmallIntegerField()
    agency = models.ForeignKey("programmes.Agency", on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        "reference.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=GrantOutcome.choices)
    grants = models.PositiveIntegerField()
    amount = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["funding_year", "programme"], name="grant_total_group")]

    def __str__(self):
        return f"{self.funding_year} {self.programme_id} {self.region_id}: {self.grants} / {self.amount} €"


class SearchWord(models.Model):
    """A word the register's `search_text` holds, once: what PostgreSQL's text search compares a query word with
    (pg_trgm word similarity, migration register 0005) to forgive typos and find compounds.

    Derived data, written by `register.services` with the grants; tens of thousands of words where the register
    holds a million rows, so comparing with every word costs little and comparing with every row much.
    """

    MAX_LENGTH = 100

    word = models.CharField(max_length=MAX_LENGTH, unique=True)

    def __str__(self):
        return self.word
