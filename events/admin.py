"""Django admin for events: read and search. Answers and cancellation stay services
(counters under a lock, an audited cancellation), so the admin shows them only."""

from django.contrib import admin

from .models import CalendarFeed, Event, Rsvp


class RsvpInline(admin.TabularInline):
    model = Rsvp
    extra = 0
    can_delete = False
    fields = readonly_fields = ("user", "answer", "waiting", "answered_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "starts_at", "time_zone", "place", "going_count", "cancelled_at")
    list_filter = (("cancelled_at", admin.EmptyFieldListFilter),)
    search_fields = ("title", "place", "post__body")
    date_hierarchy = "starts_at"
    list_select_related = ("post",)
    readonly_fields = (
        "post",
        "going_count",
        "maybe_count",
        "waiting_count",
        "cancelled_at",
        "cancelled_by",
        "cancel_reason",
        "reminded_at",
    )
    inlines = [RsvpInline]

    def has_add_permission(self, request) -> bool:
        return False  # an event is created on the site (a post, checked, counted)


@admin.register(Rsvp)
class RsvpAdmin(admin.ModelAdmin):
    list_display = ("event", "user", "answer", "waiting", "answered_at")
    list_filter = ("answer", "waiting")
    list_select_related = ("event", "user")
    search_fields = ("user__username", "user__last_name", "event__title")
    readonly_fields = ("event", "user", "answer", "waiting", "answered_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__last_name")
    # The token is a secret of its owner: never shown.
    fields = readonly_fields = ("user", "created_at")

    def has_add_permission(self, request) -> bool:
        return False
