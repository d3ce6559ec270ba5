from datetime import timedelta

from django.contrib import admin
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from notifications.models import Kind

from .models import (
    CommunityAlert,
    Fanout,
    HeldDelivery,
    NotificationDay,
    Pin,
    PushLog,
    PushSubscription,
    TagAlert,
    WorkingHours,
)


@admin.register(Pin)
class PinAdmin(ReadOnlyAdmin):
    """Announcements and pinned posts with their reach (changed on the site only, so
    that the rules and the audit trail hold). Aggregates only: who saw what is not
    listed here (charter §5.8)."""

    list_display = [
        "created_at",
        "kind",
        "post",
        "community",
        "urgent",
        "pinned_by",
        "expires_at",
        "lifted_at",
        "reach",
    ]
    list_filter = ["kind", "urgent", "created_at"]
    search_fields = ["community__name", "pinned_by__username", "post__body"]
    list_select_related = ["post", "community", "pinned_by"]
    raw_id_fields = ["post", "community", "pinned_by"]
    date_hierarchy = "created_at"

    @admin.display(description=_("seen by"))
    def reach(self, pin: Pin) -> str:
        if not pin.is_announcement:
            return "—"
        return f"{pin.seen_count} / {pin.audience_size}"


@admin.register(CommunityAlert)
class CommunityAlertAdmin(ReadOnlyAdmin):
    list_display = ["user", "community", "level", "updated_at"]
    list_filter = ["level"]
    search_fields = ["user__username", "user__email", "community__name"]
    list_select_related = ["user", "community"]
    raw_id_fields = ["user", "community"]


@admin.register(TagAlert)
class TagAlertAdmin(ReadOnlyAdmin):
    list_display = ["user", "tag", "level", "updated_at"]
    list_filter = ["level"]
    search_fields = ["user__username", "user__email", "tag__name"]
    list_select_related = ["user", "tag"]
    raw_id_fields = ["user", "tag"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(ReadOnlyAdmin):
    list_display = ["user", "days", "start", "end", "time_zone", "updated_at"]
    list_filter = ["time_zone"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(HeldDelivery)
class HeldDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["notification", "channel", "release_at", "released_at"]
    list_filter = ["channel", "release_at"]
    raw_id_fields = ["notification"]


@admin.register(Fanout)
class FanoutAdmin(ReadOnlyAdmin):
    list_display = ["post", "kind", "sent", "batches", "started_at", "finished_at"]
    list_filter = ["kind"]
    raw_id_fields = ["post"]


@admin.register(PushSubscription)
class PushSubscriptionAdmin(ReadOnlyAdmin):
    """Devices that receive pushes. Deleting one stops its pushes (the person may
    subscribe it again); nothing else is changed by hand."""

    list_display = ["user", "user_agent", "created_at", "last_push_at"]
    list_filter = ["created_at", "last_push_at"]
    search_fields = ["user__username", "user__email", "user_agent"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    exclude = ["p256dh", "auth"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(PushLog)
class PushLogAdmin(ReadOnlyAdmin):
    list_display = ["notification", "sent_at", "devices"]
    list_filter = ["sent_at"]
    raw_id_fields = ["notification"]


@admin.register(NotificationDay)
class NotificationDayAdmin(ReadOnlyAdmin):
    """Notifications created per kind and day over the last two weeks (one query)."""

    DAYS = 14

    def changelist_view(self, request, extra_context=None):
        since = timezone.now() - timedelta(days=self.DAYS)
        rows = (
            NotificationDay.objects.filter(created_at__gte=since)
            .annotate(day=TruncDate("created_at"))
            .values("day", "kind")
            .annotate(count=Count("pk"))
            .order_by("-day", "kind")
        )
        days: dict = {}
        for row in rows:
            days.setdefault(row["day"], {})[row["kind"]] = row["count"]
        kinds = list(Kind)
        table = [(day, [counts.get(k.value, 0) for k in kinds]) for day, counts in days.items()]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Notifications per kind and day (last %(days)s days)") % {"days": self.DAYS},
            "kinds": kinds,
            "table": table,
            "opts": self.model._meta,
            "fanouts": Fanout.objects.select_related("post").order_by("-started_at")[:20],
            "announcements": Pin.objects.filter(kind=Pin.Kind.ANNOUNCEMENT)
            .select_related("post", "community")
            .order_by("-created_at")[:20],
        }
        return TemplateResponse(request, "admin/alerts/notification_day.html", context)
