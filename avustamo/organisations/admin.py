from django.contrib import admin

from avustamo.core.admin import ReadOnlyAdminMixin
from avustamo.organisations.models import Membership, Organisation


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "business_id", "organisation_type", "home_municipality"]
    list_filter = ["organisation_type"]
    search_fields = ["name", "business_id"]
    inlines = [MembershipInline]
