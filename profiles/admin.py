from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class CompanyUserAdmin(UserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "kind",
        "department",
        "site",
        "is_active",
        "is_staff",
    )
    list_filter = ("kind", "is_active", "is_staff", "is_superuser", "department", "site", "groups")
    search_fields = ("username", "email", "first_name", "last_name", "department", "organisation")
    autocomplete_fields = ("sponsor",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Identity"), {"fields": ("first_name", "last_name", "email")}),
        (_("Company directory"), {"fields": ("kind", "job_title", "department", "site")}),
        (
            _("External member"),
            {"fields": ("organisation", "sponsor", "access_expires_at", "reconfirmed_at")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "kind",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
