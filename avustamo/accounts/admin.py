from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from avustamo.accounts.models import User
from avustamo.accounts.services import person_deactivate


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Administrators make a person an official here by ticking "official" (is_staff)."""

    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_superuser", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "preferred_language"]}),
        (
            _("Title and telephone on decisions"),
            {"fields": ["job_title_fi", "job_title_sv", "job_title_en", "phone"]},
        ),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    filter_horizontal = ["groups"]

    def save_model(self, request, obj, form, change):
        closing = change and "is_active" in form.changed_data and not obj.is_active
        if closing:
            obj.is_active = True  # closed by the service, which also revokes the person's tokens
        super().save_model(request, obj, form, change)
        if closing:
            person_deactivate(person=obj, acting_user=request.user)
