"""Moderation in Django admin: cases with their reports, decision and history;
sanctions with their end dates; appeals. History is read-only: decisions are made
on the site (the queue), where the services keep content, audit and notices in step."""

from django.contrib import admin

from . import selectors
from .models import Appeal, Case, CaseEvent, Decision, Report, Sanction


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReportInline(ReadOnlyMixin, admin.TabularInline):
    model = Report
    extra = 0
    fields = ("reporter", "reason", "severity", "note", "created_at")
    readonly_fields = fields


class DecisionInline(ReadOnlyMixin, admin.StackedInline):
    model = Decision
    extra = 0
    fields = ("outcome", "reason", "message", "decided_by", "decided_at", "previous_status")
    readonly_fields = fields


class SanctionInline(ReadOnlyMixin, admin.TabularInline):
    model = Sanction
    extra = 0
    fields = ("kind", "user", "community", "ends_at", "ended_at", "decided_by")
    readonly_fields = fields


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ("created_at", "code", "actor", "data")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "community",
        "status",
        "reporters_count",
        "severity",
        "auto_hidden",
        "opened_at",
        "decided_at",
    )
    list_filter = ("status", "auto_hidden", "community")
    search_fields = ("author__username", "author__last_name", "post__body", "comment__body")
    date_hierarchy = "opened_at"
    list_select_related = ("community", "author")
    readonly_fields = (
        "post",
        "comment",
        "community",
        "author",
        "status",
        "opened_at",
        "reporters_count",
        "severity",
        "auto_hidden",
        "claimed_by",
        "claimed_at",
        "decided_at",
    )
    inlines = [ReportInline, DecisionInline, SanctionInline, CaseEventInline]
    change_list_template = "admin/moderation/case/change_list.html"

    def changelist_view(self, request, extra_context=None):
        # "Promptly" must be demonstrable: the measures sit above the list.
        extra_context = {**(extra_context or {}), "measures": selectors.measures()}
        return super().changelist_view(request, extra_context)  # type: ignore[misc]


@admin.register(Sanction)
class SanctionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("user", "kind", "community", "created_at", "ends_at", "ended_at", "decided_by")
    list_filter = ("kind", "community")
    search_fields = ("user__username", "user__last_name", "message")
    list_select_related = ("user", "community", "decided_by")
    date_hierarchy = "created_at"
    readonly_fields = (
        "user",
        "kind",
        "community",
        "case",
        "reason",
        "message",
        "decided_by",
        "created_at",
        "ends_at",
        "ended_at",
    )


@admin.register(Appeal)
class AppealAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("appellant", "status", "case", "sanction", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("appellant__username", "appellant__last_name", "message")
    list_select_related = ("appellant", "case", "sanction")
    readonly_fields = (
        "appellant",
        "case",
        "sanction",
        "message",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
        "response",
    )


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "code", "actor", "created_at")
    list_filter = ("code",)
    list_select_related = ("case", "actor")
