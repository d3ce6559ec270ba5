"""This app's section of "Download my data" (registry: core.exports)."""

from django.utils.translation import gettext_lazy as _

from access.events import events_readable_by
from core import exports

from .models import CalendarFeed, Rsvp


@exports.section("events", _("Answers to events, calendar feed"), order=36)
def events(user) -> exports.Rows:
    """The person's answers to events (title and times only of events they may still
    read) and whether they have a calendar feed (never its private address)."""
    readable = set(events_readable_by(user).values_list("pk", flat=True))
    rows: exports.Rows = []
    for r in Rsvp.objects.filter(user=user).select_related("event").order_by("pk"):
        shown = r.event_id in readable
        rows.append(
            {
                "kind": "answer",
                "post": r.event_id,
                "title": r.event.title if shown else None,
                "starts_at": r.event.starts_at if shown else None,
                "answer": r.answer,
                "waiting_list": r.waiting,
                "answered_at": r.answered_at,
            }
        )
    rows += [
        {"kind": "calendar_feed", "created_at": at}
        for at in CalendarFeed.objects.filter(user=user).values_list("created_at", flat=True)
    ]
    return rows
