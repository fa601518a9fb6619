"""The public register of awarded grants: only what has been published is ever stored here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishedGrant(models.Model):
    """A grant as published: from a signed decision, or transcribed from an agency's own published history.

    The recipient's name is kept exactly as published. Historic rows carry no Business ID and no link to an
    organisation in this service, because none was published and matching names by guesswork would be wrong.
    """

    class Source(models.TextChoices):
        PUBLISHED_HISTORY = "published_history", _("published history")
        DECISION = "decision", _("decision in this service")

    call = models.ForeignKey(
        "programmes.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="grants"
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
    recipient_name = models.CharField(_("recipient as published"), max_length=255)
    recipient_business_id = models.CharField(_("recipient's Business ID"), max_length=9, blank=True)
    project_name = models.CharField(_("project"), max_length=500, blank=True)
    amount_awarded = models.DecimalField(_("amount awarded (€)"), max_digits=14, decimal_places=2)
    funding_year = models.PositiveSmallIntegerField(_("funding year"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_url = models.URLField(_("source page"), max_length=500, blank=True)
    source_language = models.CharField(_("language of the source"), max_length=2, blank=True)
    source_notes = models.TextField(_("notes on the source"), blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("published grant")
        verbose_name_plural = _("published grants")
        ordering = ["-funding_year", "recipient_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "recipient_name", "project_name"], name="published_grant_unique_per_call"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_awarded__gt=0), name="published_grant_amount_positive"
            ),
        ]

    def __str__(self):
        return f"{self.recipient_name} {self.funding_year}: {self.amount_awarded} €"
