from django.contrib import admin

from avustamo.core.admin import ReadOnlyAdminMixin
from avustamo.programmes.models import Agency, Call, Programme


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fi", "name_sv", "name_en", "payment_channel"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name_fi",
        "code",
        "agency",
        "paying_agency",
        "grant_type",
        "budget_line",
        "default_max_share_percent",
    ]
    list_filter = ["agency", "grant_type"]
    search_fields = ["name_fi", "name_sv", "name_en", "code"]


@admin.register(Call)
class CallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: calls are created, copied and published in the officials' pages, through the services."""

    list_display = ["reference", "title_fi", "programme", "opens_at", "closes_at", "published_at"]
    list_filter = ["programme"]
    search_fields = ["reference", "title_fi", "title_sv"]
