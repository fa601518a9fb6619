from django.contrib import admin

from avustamo.core.admin import ReadOnlyAdminMixin
from avustamo.register.models import PublishedGrant


@admin.register(PublishedGrant)
class PublishedGrantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: grants reach the register only through imports and signed decisions."""

    list_display = ["recipient_name", "project_name", "amount_awarded", "funding_year", "call", "source"]
    list_filter = ["funding_year", "source"]
    search_fields = ["recipient_name", "project_name"]
