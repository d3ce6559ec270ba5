"""Django admin: the aggregate tables, read-only, with the same threshold as the
dashboards (people counts under OBSERVATORY_MIN_PEOPLE show "< 5"). The readings and
presences (tokens waiting for the rollup) are not shown at all.

People are made observers in *Authentication → Groups → Observers* (the group named by
RSE_OBSERVERS_GROUP).
"""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from . import privacy
from .models import (
    CommunityDay,
    CommunityTopTag,
    NetworkDay,
    NetworkPeriod,
    RollupDay,
    SegmentDay,
)


def _masked(column: str, label, *, by: str | None = None):
    """A column shown through the threshold: a count of people (`by` None) or a figure
    computed from the people of column `by`."""

    def show(obj) -> str:
        count = getattr(obj, by or column)
        return str(privacy.from_people(getattr(obj, column), count))

    show.short_description = label  # type: ignore[attr-defined]
    show.__name__ = f"masked_{column}"
    return show


PEOPLE = [
    ("readers", _("readers")),
    ("contributors", _("contributors")),
    ("active", _("active people")),
]
ACTIVITY = [("posts", _("posts")), ("comments", _("comments")), ("likes", _("likes"))]

QUESTIONS = [
    _masked(column, label, by="askers")
    for column, label in [
        ("questions", _("questions asked")),
        ("questions_answered", _("questions answered")),
        ("questions_resolved", _("questions resolved")),
    ]
]


def _columns() -> list:
    people = [_masked(c, label) for c, label in PEOPLE]
    activity = [_masked(c, label, by="contributors") for c, label in ACTIVITY]
    return people + activity


class AggregateAdmin(ReadOnlyAdmin):
    date_hierarchy = "day"
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        return self.get_list_display(request)

    def get_readonly_fields(self, request, obj=None):
        return self.get_list_display(request)


@admin.register(CommunityDay)
class CommunityDayAdmin(AggregateAdmin):
    list_display = (
        "day",
        "community",
        _masked("members", _("members")),
        _masked("new_members", _("new members")),
        *_columns(),
        _masked("reports", _("reports"), by="reporters"),
        *QUESTIONS,
    )
    list_select_related = ("community",)
    search_fields = ("community__name",)


@admin.register(SegmentDay)
class SegmentDayAdmin(AggregateAdmin):
    list_display = ("day", "kind", "name", *_columns())
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(NetworkDay)
class NetworkDayAdmin(AggregateAdmin):
    list_display = (
        "day",
        _masked("workforce", _("employees")),
        _masked("externals", _("external members")),
        *_columns(),
        _masked("reports", _("reports"), by="reporters"),
        *QUESTIONS,
        _masked("cases_decided", _("cases decided")),
    )


@admin.register(NetworkPeriod)
class NetworkPeriodAdmin(ReadOnlyAdmin):
    list_display = (
        "period",
        "kind",
        "start",
        "complete",
        _masked("active", _("active people")),
        _masked("creators", _("people who posted")),
        _masked("reactors", _("people who commented or liked only")),
        _masked("readers_only", _("people who read only")),
    )
    list_filter = ("kind", "complete")

    def get_fields(self, request, obj=None):
        return self.get_list_display(request)

    def get_readonly_fields(self, request, obj=None):
        return self.get_list_display(request)


@admin.register(CommunityTopTag)
class CommunityTopTagAdmin(ReadOnlyAdmin):
    """The top tags stored for the dashboard's preset periods ending on the most recent
    day rolled up (only tags used by at least the threshold of people are stored)."""

    list_display = ("last_day", "period", "community", "rank", "tag", "posts", "authors")
    list_filter = ("period",)
    list_select_related = ("community",)
    search_fields = ("community__name", "tag")
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        return self.get_list_display(request)

    def get_readonly_fields(self, request, obj=None):
        return self.get_list_display(request)


@admin.register(RollupDay)
class RollupDayAdmin(ReadOnlyAdmin):
    """Where each day's rollup stands (a day without `finished at` resumes next night)."""

    list_display = ("day", "cursor", "readings_counted", "top_tags_threshold", "finished_at")
    date_hierarchy = "day"

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "title": _("Rollups of days")}
        extra_context["subtitle"] = _("Observers group: %(name)s") % {
            "name": settings.RSE_OBSERVERS_GROUP
        }
        return super().changelist_view(request, extra_context)
