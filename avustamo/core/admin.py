from django.contrib import admin

from avustamo.core.models import AuditEntry, RetentionLog


class ReadOnlyAdminMixin:
    """For records that change only through the services, where each change is checked and audited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log can be read, never changed."""

    list_display = ["occurred_at", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "actor__email"]
    date_hierarchy = "occurred_at"


@admin.register(RetentionLog)
class RetentionLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What `manage.py apply_retention` anonymised or deleted, rule by rule (docs/retention.md)."""

    list_display = ["applied_at", "kind", "action", "count", "cutoff"]
    list_filter = ["kind", "action"]
    date_hierarchy = "applied_at"
