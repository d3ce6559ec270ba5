"""Events: a post that is an event, the answers of the people invited by it (RSVP),
and each person's private calendar feed. Data and invariants only; who may answer,
cancel or see the attendees is decided in `access.events`."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from posts.models import Post

TITLE_MAX_LENGTH = 200
PLACE_MAX_LENGTH = 200


class Event(models.Model):
    post = models.OneToOneField(
        Post,
        verbose_name=_("post"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="event",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    # The zone the organiser gave the times in (IANA name): pages and calendars show
    # the times there, with the zone named.
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    place = models.CharField(_("place"), max_length=PLACE_MAX_LENGTH, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    # Stored counters, kept by the RSVP service under a lock of this row.
    going_count = models.PositiveIntegerField(_("going"), default=0)
    maybe_count = models.PositiveIntegerField(_("maybe"), default=0)
    waiting_count = models.PositiveIntegerField(_("on the waiting list"), default=0)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.CharField(_("reason of the cancellation"), max_length=500, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True)
                | models.Q(going_count__lte=models.F("capacity")),
                name="event_capacity_never_exceeded",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="event_upcoming")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.going_count >= self.capacity


class Rsvp(models.Model):
    """One person's answer to one event (going, maybe, not going), once."""

    class Answer(models.TextChoices):
        GOING = "going", _("Going")
        MAYBE = "maybe", _("Maybe")
        NOT_GOING = "not_going", _("Not going")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="rsvps"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="rsvps",
    )
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)
    # "Going" when the event was full: on the waiting list, moved up (oldest first)
    # when a place frees.
    waiting = models.BooleanField(_("on the waiting list"), default=False)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("answer to an event")
        verbose_name_plural = _("answers to events")
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="rsvp_once"),
            models.CheckConstraint(
                condition=models.Q(waiting=False) | models.Q(answer="going"),
                name="rsvp_waiting_only_going",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "answer", "waiting", "answered_at"], name="rsvp_list"),
            models.Index(fields=["user", "answer"], name="rsvp_of_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.event_id}: {self.answer}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar address (`/events/calendar/<token>.ics`): the events
    they answered going or maybe, that they may still read."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
