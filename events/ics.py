"""iCalendar (RFC 5545) files of events, written with the `icalendar` library: one
event (a download) or a person's calendar feed. Times are given in the organiser's
zone, with its VTIMEZONE, so every calendar shows them right."""

from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event

PRODID = "-//RSE//Events//EN"


def _host() -> str:
    return urlsplit(settings.RSE_SITE_URL).hostname or "rse.invalid"


def _vevent(event: Event) -> VEvent:
    zone = ZoneInfo(event.time_zone)
    item = VEvent()
    item.add("uid", f"event-{event.pk}@{_host()}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    item.add("summary", event.title)
    url = settings.RSE_SITE_URL.rstrip("/") + event.post.get_absolute_url()
    item.add("url", url)
    item.add("description", f"{event.post.body}\n\n{url}")
    location = ", ".join(part for part in (event.place, event.online_url) if part)
    if location:
        item.add("location", location)
    if event.is_cancelled:
        item.add("status", "CANCELLED")
    else:
        item.add("status", "CONFIRMED")
    return item


def calendar_of(events: Iterable[Event], name: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()
