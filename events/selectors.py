"""Reads about events. Every list starts from `access.events.events_readable_by`."""

from django.db.models import QuerySet
from django.utils import timezone

from access import events as event_rules
from access.posts import posts_readable_by
from communities.models import Membership
from posts.models import Post

from .models import Event, Rsvp

HOME_UPCOMING = 3


def _shaped(posts: QuerySet[Post]) -> QuerySet[Post]:
    return posts.select_related("event", "author", "author__profile", "community")


def upcoming(viewer) -> QuerySet[Post]:
    """Events not over yet, soonest first (cancelled ones too, marked)."""
    return _shaped(
        event_rules.events_readable_by(viewer).filter(event__ends_at__gt=timezone.now())
    ).order_by("event__starts_at", "pk")


def past(viewer) -> QuerySet[Post]:
    return _shaped(
        event_rules.events_readable_by(viewer).filter(event__ends_at__lte=timezone.now())
    ).order_by("-event__starts_at", "-pk")


def upcoming_in_my_communities(viewer) -> list[Post]:
    """For the home page: the next events of the communities I am an active member of."""
    if not viewer.is_person:
        return []
    mine = Membership.objects.filter(user_id=viewer.pk, status=Membership.Status.ACTIVE).values(
        "community_id"
    )
    return list(
        _shaped(
            event_rules.events_readable_by(viewer).filter(
                community__in=mine,
                event__ends_at__gt=timezone.now(),
                event__cancelled_at__isnull=True,
            )
        ).order_by("event__starts_at", "pk")[:HOME_UPCOMING]
    )


def rsvp_of(user, event: Event) -> Rsvp | None:
    return Rsvp.objects.filter(event=event, user_id=user.pk).first()


def attendees(event: Event) -> dict[str, list[Rsvp]]:
    """Who is going, on the waiting list, maybe: for those who may read the event."""
    rows = (
        Rsvp.objects.filter(event=event, answer__in=[Rsvp.Answer.GOING, Rsvp.Answer.MAYBE])
        .select_related("user", "user__profile")
        .order_by("answered_at", "pk")
    )
    groups: dict[str, list[Rsvp]] = {"going": [], "waiting": [], "maybe": []}
    for rsvp in rows:
        if rsvp.answer == Rsvp.Answer.MAYBE:
            groups["maybe"].append(rsvp)
        else:
            groups["waiting" if rsvp.waiting else "going"].append(rsvp)
    return groups


def feed_events(user) -> list[Event]:
    """The events `user` answered going or maybe, that they may still read."""
    readable = posts_readable_by(user).values("pk")
    return list(
        Event.objects.filter(
            rsvps__user=user,
            rsvps__answer__in=[Rsvp.Answer.GOING, Rsvp.Answer.MAYBE],
            post__in=readable,
        )
        .select_related("post")
        .order_by("starts_at", "pk")
    )
