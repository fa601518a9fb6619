"""The log of deliveries to the State Treasury's grant data repository: each file as delivered, and each record's
fingerprint in it, from which a corrective delivery knows what has changed since."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustamo.treasury.export import Selection


class DeliveryFormat(models.TextChoices):
    JSON = "json", _("JSON (one document)")
    CSV = "csv", _("CSV (a ZIP of one file per record kind)")


class Delivery(models.Model):
    """One file produced for the State Treasury: its selection (a call or a period), the record kinds in it and how
    many records of each, the file itself with its SHA-256 checksum, who produced it and when. A correction names
    the delivery it corrects and holds only the records that are new or changed since that delivery and its
    earlier corrections."""

    call = models.ForeignKey(
        "programmes.Call",
        verbose_name=_("call"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_day = models.DateField(_("first day"), null=True, blank=True)
    last_day = models.DateField(_("last day"), null=True, blank=True)
    record_kinds = models.JSONField(_("record kinds"))
    file_format = models.CharField(_("format"), max_length=10, choices=DeliveryFormat.choices)
    layout_version = models.CharField(_("layout version"), max_length=10)
    counts = models.JSONField(_("records of each kind"))
    file = models.FileField(_("file"), upload_to="treasury-deliveries/%Y/")
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects the delivery"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("produced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    produced_at = models.DateTimeField(_("produced at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery to the State Treasury")
        verbose_name_plural = _("deliveries to the State Treasury")
        ordering = ["-produced_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(call__isnull=False, first_day__isnull=True, last_day__isnull=True)
                    | models.Q(call__isnull=True, first_day__isnull=False, last_day__isnull=False)
                ),
                name="treasury_delivery_is_of_a_call_or_a_period",
            ),
        ]

    def __str__(self):
        return f"{self.selection.label} {self.produced_at:%Y-%m-%d}"

    @property
    def selection(self) -> Selection:
        return Selection(call=self.call, first_day=self.first_day, last_day=self.last_day)

    @property
    def record_total(self) -> int:
        return sum(self.counts.values())


class DeliveredRecord(models.Model):
    """One record as delivered: its kind, its identifier in the layout and the fingerprint of its values."""

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="records"
    )
    kind = models.CharField(_("record kind"), max_length=20)
    key = models.CharField(_("record identifier"), max_length=64)
    digest = models.CharField(_("fingerprint"), max_length=64)

    class Meta:
        verbose_name = _("delivered record")
        verbose_name_plural = _("delivered records")
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "kind", "key"], name="treasury_record_once_per_delivery"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"
