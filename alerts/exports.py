"""This app's section of "Download my data" (registry: core.exports)."""

from django.utils.translation import gettext_lazy as _

from access.communities import communities_discoverable_by
from core import exports

from .models import CommunityAlert, PushSubscription, Receipt, TagAlert, WorkingHours


@exports.section("alerts", _("Alerts, working hours, push devices, announcements"), order=62)
def alerts(user) -> exports.Rows:
    """The person's alert levels (a community named only if they may discover it), their
    working hours, their push devices (never the push address or its keys) and the
    announcements they saw or dismissed."""
    visible = set(communities_discoverable_by(user).values_list("pk", flat=True))
    rows: exports.Rows = [
        {
            "kind": "community_alert",
            "community": name if community in visible else None,
            "level": level,
            "updated_at": at,
        }
        for community, name, level, at in CommunityAlert.objects.filter(user=user)
        .order_by("pk")
        .values_list("community_id", "community__name", "level", "updated_at")
    ]
    rows += [
        {"kind": "tag_alert", "tag": tag, "level": level, "updated_at": at}
        for tag, level, at in TagAlert.objects.filter(user=user)
        .order_by("pk")
        .values_list("tag__slug", "level", "updated_at")
    ]
    rows += [
        {
            "kind": "working_hours",
            "time_zone": w.time_zone,
            "start": w.start.isoformat(),
            "end": w.end.isoformat(),
            "days": w.days,
            "updated_at": w.updated_at,
        }
        for w in WorkingHours.objects.filter(user=user)
    ]
    rows += [
        {"kind": "push_device", "device": agent, "since": since, "last_push_at": last}
        for agent, since, last in PushSubscription.objects.filter(user=user)
        .order_by("pk")
        .values_list("user_agent", "created_at", "last_push_at")
    ]
    rows += [
        {"kind": "announcement", "post": post, "seen_at": seen, "dismissed_at": dismissed}
        for post, seen, dismissed in Receipt.objects.filter(user=user)
        .order_by("pk")
        .values_list("pin__post_id", "seen_at", "dismissed_at")
    ]
    return rows
