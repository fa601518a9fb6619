from django.contrib import admin

from avustamo.reference.models import Municipality, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "name_en"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "region", "valid_from_year", "valid_until_year"]
    list_filter = ["region"]
    search_fields = ["code", "name_fi", "name_sv"]
