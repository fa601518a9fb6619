from django.contrib import admin

from avustamo.core.admin import ReadOnlyAdminMixin
from avustamo.reference.models import Municipality, MunicipalityPopulation, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "region", "valid_from_year", "valid_until_year"]
    list_filter = ["region"]
    search_fields = ["code", "name_fi", "name_sv"]


@admin.register(MunicipalityPopulation)
class MunicipalityPopulationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: the figures are loaded whole from Statistics Finland's file on the officials' page."""

    list_display = ["municipality", "year", "population", "foreign_language_population", "statistics_import"]
    list_filter = ["year"]
    search_fields = ["municipality__code", "municipality__name_fi", "municipality__name_sv"]
