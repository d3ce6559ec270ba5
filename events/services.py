"""Writes about events: create, answer (RSVP), cancel, remind, the calendar feed.

Answers lock the event's row: a double click counts once, and the capacity is never
exceeded when many answer at once (the others go on the waiting list, moved up oldest
first when a place frees)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import events as event_rules
from access.posts import is_post_readable_by
from audit import services as audit
from communities.models import Community
from core.notices import notify
from posts import services as post_services
from profiles.models import User

from .models import PLACE_MAX_LENGTH, TITLE_MAX_LENGTH, CalendarFeed, Event, Rsvp, new_token

# Reminders go out for events that start within this long.
REMINDER_AHEAD = timedelta(days=1)


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("An event needs a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            _("The title is too long: %(count)d characters, at most %(limit)d.")
            % {"count": len(title), "limit": TITLE_MAX_LENGTH}
        )
    return title


def check_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Choose a time zone from the list.")) from None
    if name not in available_timezones():
        raise ValidationError(_("Choose a time zone from the list."))
    return name


def _check_event(
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str,
    place: str,
    online_url: str,
    capacity: int | None,
) -> dict:
    errors = []
    try:
        title = _clean_title(title)
    except ValidationError as error:
        errors.extend(error.messages)
    if starts_at is None or ends_at is None:
        errors.append(_("Give the start and the end of the event."))
    elif ends_at <= starts_at:
        errors.append(_("The event must end after it starts."))
    try:
        check_time_zone(time_zone)
    except ValidationError as error:
        errors.extend(error.messages)
    place = " ".join((place or "").split())
    online_url = (online_url or "").strip()
    if not place and not online_url:
        errors.append(_("Give a place, an online link, or both."))
    if len(place) > PLACE_MAX_LENGTH:
        errors.append(
            _("The place is too long: at most %(limit)d characters.") % {"limit": PLACE_MAX_LENGTH}
        )
    if online_url:
        try:
            URLValidator(schemes=["https", "http"])(online_url)
        except ValidationError:
            errors.append(_("The online link must be a web address (https://…)."))
    if capacity is not None and capacity < 1:
        errors.append(_("The capacity must be at least 1, or empty for no limit."))
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "time_zone": time_zone,
        "place": place,
        "online_url": online_url,
        "capacity": capacity,
    }


def event_create(
    *,
    actor: User,
    community: Community | None,
    body: str,
    tags: str = "",
    **fields,
) -> Event:
    """Publish a post that is an event. Everything is checked before anything is written."""
    if not event_rules.can_create_event(actor, community):
        if community is not None and community.is_archived:
            raise PermissionDenied(_("This community is archived: it is read-only."))
        raise PermissionDenied(_("You may not create an event here."))
    checked = _check_event(**fields)
    with transaction.atomic():
        post = post_services.post_create(actor=actor, community=community, body=body, tags=tags)
        event = Event(post=post, **checked)
        event.full_clean()
        event.save()
    return event


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("post").get(pk=event.pk)


def rsvp_set(*, actor: User, event: Event, answer: str) -> Rsvp:
    """Answer going, maybe or not going. The same answer twice changes nothing; "going"
    on a full event puts the person on the waiting list; leaving frees a place for the
    first one waiting, who is told."""
    if answer not in Rsvp.Answer.values:
        raise ValidationError(_("Choose going, maybe or not going."))
    post = event.post
    if not is_post_readable_by(actor, post):
        raise PermissionDenied(_("You may not answer this event."))
    with transaction.atomic():
        locked = _locked(event)
        if not event_rules.can_rsvp(actor, locked.post, locked):
            if locked.is_cancelled:
                raise ValidationError(_("This event is cancelled."))
            if locked.is_past:
                raise ValidationError(_("This event is over."))
            raise PermissionDenied(_("You may not answer this event."))
        rsvp = Rsvp.objects.filter(event=locked, user=actor).first()
        if rsvp is not None and rsvp.answer == answer:
            return rsvp  # a double click: once is enough
        freed = False
        if rsvp is not None:  # take the earlier answer back from the counters
            if rsvp.answer == Rsvp.Answer.GOING and rsvp.waiting:
                locked.waiting_count -= 1
            elif rsvp.answer == Rsvp.Answer.GOING:
                locked.going_count -= 1
                freed = True
            elif rsvp.answer == Rsvp.Answer.MAYBE:
                locked.maybe_count -= 1
        else:
            rsvp = Rsvp(event=locked, user=actor)
        rsvp.answer = answer
        rsvp.answered_at = timezone.now()
        rsvp.waiting = False
        if answer == Rsvp.Answer.GOING:
            if locked.is_full:
                rsvp.waiting = True
                locked.waiting_count += 1
            else:
                locked.going_count += 1
        elif answer == Rsvp.Answer.MAYBE:
            locked.maybe_count += 1
        rsvp.save()
        if freed:
            _move_up(locked)
        locked.save(update_fields=["going_count", "maybe_count", "waiting_count"])
    return rsvp


def _move_up(event: Event) -> None:
    """Give the freed places to the oldest answers of the waiting list (lock held)."""
    while event.waiting_count and not event.is_full:
        first = (
            Rsvp.objects.filter(event=event, answer=Rsvp.Answer.GOING, waiting=True)
            .select_related("user")
            .order_by("answered_at", "pk")
            .first()
        )
        if first is None:
            break
        Rsvp.objects.filter(pk=first.pk).update(waiting=False)
        event.waiting_count -= 1
        event.going_count += 1
        notify(recipient=first.user, kind="event", post=event.post, data={"event": "moved_up"})


def _attendees(event: Event):
    return (
        Rsvp.objects.filter(event=event, answer__in=[Rsvp.Answer.GOING, Rsvp.Answer.MAYBE])
        .select_related("user")
        .order_by("pk")
    )


def event_cancel(*, actor: User, event: Event, reason: str = "", request=None) -> Event:
    """The organiser, a manager or a moderator cancels: everyone who answered going
    or maybe is told, with the reason (audited)."""
    reason = " ".join((reason or "").split())
    if len(reason) > 500:
        raise ValidationError(_("The reason is too long: at most 500 characters."))
    if event.is_cancelled:
        raise ValidationError(_("This event is already cancelled."))
    if not is_post_readable_by(actor, event.post) or not event_rules.can_cancel(
        actor, event.post, event
    ):
        raise PermissionDenied(_("Only the organiser, a manager or a moderator may cancel."))
    with transaction.atomic():
        updated = Event.objects.filter(pk=event.pk, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now(), cancelled_by=actor, cancel_reason=reason
        )
        if not updated:
            raise ValidationError(_("This event is already cancelled."))
        audit.record(
            "event.cancelled", actor=actor, target=event, request=request, data={"reason": reason}
        )
        for rsvp in _attendees(event):
            notify(
                recipient=rsvp.user,
                kind="event",
                actor=actor,
                post=event.post,
                data={"event": "cancelled", "reason": reason},
            )
    event.refresh_from_db()
    return event


def event_reminders_send(*, dry_run: bool = False) -> list[tuple[int, int]]:
    """Tell the people going (or maybe) about the events starting within a day. Each
    event is claimed by a conditional update first: run twice, or in two workers at
    once, it reminds once. RSE has no quiet hours yet: the notification waits in the
    app, and its e-mail follows each person's choice for events. Returns
    (event id, people told)."""
    now = timezone.now()
    due = Event.objects.filter(
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_AHEAD,
        cancelled_at__isnull=True,
        reminded_at__isnull=True,
        post__status="published",
    ).order_by("starts_at", "pk")
    done = []
    for event in due.select_related("post"):
        if dry_run:
            done.append((event.pk, _attendees(event).count()))
            continue
        with transaction.atomic():
            if not Event.objects.filter(pk=event.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue  # another worker took it
            told = 0
            for rsvp in _attendees(event):
                if notify(
                    recipient=rsvp.user, kind="event", post=event.post, data={"event": "reminder"}
                ):
                    told += 1
        done.append((event.pk, told))
    return done


def calendar_feed_of(*, actor: User, renew: bool = False) -> CalendarFeed:
    """My private calendar address; `renew` replaces it (the old one stops working)."""
    feed, created = CalendarFeed.objects.get_or_create(user=actor)
    if renew and not created:
        feed.token = new_token()
        feed.save(update_fields=["token"])
    return feed
