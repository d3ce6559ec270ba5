from django.contrib import admin

from .models import CompanyIdentity


@admin.register(CompanyIdentity)
class CompanyIdentityAdmin(admin.ModelAdmin):
    """Read-only: these fields come from the company's identity provider."""

    list_display = ("user", "employee_number", "provider", "last_sso_login_at")
    search_fields = ("user__email", "user__last_name", "employee_number")
    list_filter = ("provider",)
    readonly_fields = ("user", "employee_number", "provider", "last_sso_login_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
