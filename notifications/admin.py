from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import EmailSettings, Notification, NotificationPreference


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", _("Read")), ("no", _("Unread"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


class EmailedFilter(ReadFilter):
    title = _("e-mailed")
    parameter_name = "emailed"

    def lookups(self, request, model_admin):
        return [("yes", _("E-mailed")), ("no", _("Not e-mailed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(emailed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(emailed_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are made by the services, never by hand."""

    list_display = [
        "created_at",
        "recipient",
        "kind",
        "actor",
        "community",
        "read_at",
        "emailed_at",
    ]
    list_filter = ["kind", ReadFilter, EmailedFilter, "created_at"]
    search_fields = [
        "recipient__username",
        "recipient__email",
        "recipient__first_name",
        "recipient__last_name",
    ]
    list_select_related = ["recipient", "actor", "community"]
    date_hierarchy = "created_at"
    view_on_site = False
    readonly_fields = [field.name for field in Notification._meta.fields]
    raw_id_fields = ["recipient", "actor", "community", "post", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "email", "updated_at"]
    list_filter = ["kind", "email"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(EmailSettings)
class EmailSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_filter = ["language"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
