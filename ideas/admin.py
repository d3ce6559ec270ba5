"""Django admin for the idea box: read and search. Votes, statuses and merges stay
services (counted under a lock, audited, told), so the admin shows them only."""

from django.contrib import admin

from .models import Idea, IdeaBox, Reviewer, Vote


class ReviewerInline(admin.TabularInline):
    model = Reviewer
    extra = 0
    can_delete = False
    fields = readonly_fields = ("user", "added_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IdeaBox)
class IdeaBoxAdmin(admin.ModelAdmin):
    list_display = ("community", "enabled", "changed_at")
    list_filter = ("enabled",)
    list_select_related = ("community",)
    fields = readonly_fields = ("community", "enabled", "changed_at")
    inlines = [ReviewerInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "votes_count", "status_changed_at")
    list_filter = ("status",)
    search_fields = ("title", "post__body")
    list_select_related = ("post",)
    readonly_fields = (
        "post",
        "title",
        "status",
        "reason",
        "merged_into",
        "status_changed_at",
        "votes_count",
    )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ("idea", "user", "created_at")
    list_select_related = ("idea", "user")
    search_fields = ("user__username", "idea__title")
    readonly_fields = ("idea", "user", "created_at")

    def has_add_permission(self, request) -> bool:
        return False
