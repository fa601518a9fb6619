"""The code lists every app uses: regions (maakunnat) and municipalities, with Statistics Finland's codes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from avustamo.core.translation import Translated


class Region(models.Model):
    """A region (maakunta) with its Statistics Finland code, 01–21 (not the ISO 3166-2:FI code)."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)

    name = Translated("name")

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        # The tables keep the names they had in the programmes app, so that moving the models rebuilt nothing.
        db_table = "programmes_region"

    def __str__(self):
        return f"{self.code} {self.name}"


class MunicipalityQuerySet(models.QuerySet):
    def valid_in(self, year: int):
        return self.filter(
            models.Q(valid_from_year__isnull=True) | models.Q(valid_from_year__lte=year),
            models.Q(valid_until_year__isnull=True) | models.Q(valid_until_year__gte=year),
        )


class Municipality(models.Model):
    """A municipality by its kuntanumero; mergers end a municipality, so each has its years of validity."""

    code = models.CharField(_("municipality number"), max_length=3, primary_key=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="municipalities"
    )
    valid_from_year = models.PositiveSmallIntegerField(
        _("valid from (year)"),
        null=True,
        blank=True,
        help_text=_("Empty when in force since before the code list begins."),
    )
    valid_until_year = models.PositiveSmallIntegerField(
        _("valid until (year)"), null=True, blank=True, help_text=_("The last year the municipality existed.")
    )

    objects = MunicipalityQuerySet.as_manager()

    name = Translated("name")

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_fi"]
        db_table = "programmes_municipality"

    def __str__(self):
        return self.name


class PopulationImport(models.Model):
    """One file of Statistics Finland's population figures, imported whole: its figures replace those of the years
    it holds."""

    file_name = models.CharField(_("file name"), max_length=255)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    years = models.JSONField(_("statistics years"), default=list)
    municipalities = models.PositiveIntegerField(_("municipalities"))

    class Meta:
        verbose_name = _("population import")
        verbose_name_plural = _("population imports")
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})"


class MunicipalityPopulation(models.Model):
    """Statistics Finland's population of a municipality at the end of a year, and how many of them have a first
    language other than Finnish, Swedish or Sámi (vieraskieliset): the figures municipal rules of calls read."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("statistics year"))
    population = models.PositiveIntegerField(_("population"))
    foreign_language_population = models.PositiveIntegerField(_("foreign-language population"))
    statistics_import = models.ForeignKey(
        "PopulationImport", verbose_name=_("import"), on_delete=models.PROTECT, related_name="figures"
    )

    class Meta:
        verbose_name = _("municipality population")
        verbose_name_plural = _("municipality populations")
        ordering = ["-year", "municipality_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="one_population_per_municipality_year"
            ),
            models.CheckConstraint(
                condition=models.Q(foreign_language_population__lte=models.F("population")),
                name="foreign_language_population_within_population",
            ),
        ]

    def __str__(self):
        return f"{self.municipality_id} {self.year}"
