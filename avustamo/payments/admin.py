from django.contrib import admin

from avustamo.core.admin import ReadOnlyAdminMixin
from avustamo.payments.models import ConfirmationFile, Invoice, Posting, PostingAccount


@admin.register(PostingAccount)
class PostingAccountAdmin(admin.ModelAdmin):
    """The accounts of the State's chart each agency books to: set by an administrator, checked against the State
    Treasury's current chart of accounts."""

    list_display = ["agency", "purpose", "organisation_type", "account"]
    list_editable = ["account"]
    list_filter = ["agency", "purpose"]


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["booked_on", "purpose", "account", "budget_item", "operational_unit", "amount", "grant"]
    list_filter = ["purpose", "account"]
    date_hierarchy = "booked_on"


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["long_reference", "batch", "amount", "status", "sent_at", "paid_on"]
    list_filter = ["status"]
    search_fields = ["long_reference", "file_name"]


@admin.register(ConfirmationFile)
class ConfirmationFileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "fetched_at", "outcome", "long_reference", "invoice"]
    list_filter = ["outcome"]
    search_fields = ["name", "long_reference"]
