from django.contrib import admin

from rse.admin import ReadOnlyAdmin

from .models import ErasedData, Reminder


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """What the jobs have sent, once each (read-only: the jobs' memory)."""

    list_display = ("topic", "object_id", "step", "cycle", "sent_at")
    list_filter = ("topic", "step")
    search_fields = ("object_id", "cycle")
    date_hierarchy = "sent_at"


@admin.register(ErasedData)
class ErasedDataAdmin(ReadOnlyAdmin):
    """Profile data people erased, until the retention job purges it (read-only)."""

    list_display = ("user", "erased_at", "purged_at")
    list_filter = ("purged_at",)
    search_fields = ("user__username", "user__email", "user__last_name")
    list_select_related = ("user",)
    date_hierarchy = "erased_at"
