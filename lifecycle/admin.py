from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import ReadOnlyAdmin

from . import services
from .models import ErasedData, Reminder


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    """What the jobs have sent, once each (read-only: the jobs' memory)."""

    list_display = ("topic", "object_id", "step", "cycle", "sent_at")
    list_filter = ("topic", "step")
    search_fields = ("object_id", "cycle")
    date_hierarchy = "sent_at"


@admin.action(description=_("Put the erased data back (a mistake)"))
def undo_erase(modeladmin, request, queryset):
    done = 0
    for erased in queryset.select_related("user"):
        try:
            services.profile_erase_undo(actor=request.user, erased=erased, request=request)
        except ValidationError as error:
            messages.error(request, f"{erased.user}: {' '.join(error.messages)}")
        else:
            done += 1
    if done:
        messages.success(
            request,
            ngettext("%(count)d profile restored.", "%(count)d profiles restored.", done)
            % {"count": done},
        )


@admin.register(ErasedData)
class ErasedDataAdmin(ReadOnlyAdmin):
    """Profile data people erased, until the retention job purges it (read-only; an
    administrator may put it back when it was erased by mistake)."""

    list_display = ("user", "erased_at", "purged_at")
    list_filter = ("purged_at",)
    search_fields = ("user__username", "user__email", "user__last_name")
    list_select_related = ("user",)
    date_hierarchy = "erased_at"
    actions = [undo_erase]
