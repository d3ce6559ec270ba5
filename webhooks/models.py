"""Webhooks: data only. A community's hook (an HTTPS address, the events it wants, its
signing secret and its owner), each event to deliver to it, and each attempt made.

Written through `webhooks.services`; read through `webhooks.selectors`."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    POST_PUBLISHED = "post.published", _("A post is published")
    COMMENT_ADDED = "comment.added", _("A comment is added")
    MEMBER_JOINED = "member.joined", _("A member joins")
    MEMBER_LEFT = "member.left", _("A member leaves (or is removed)")
    CASE_DECIDED = "moderation.case_decided", _("A moderation case is decided")


class Hook(models.Model):
    """An address told of a community's events. It acts for its owner: nothing is sent
    once the owner may no longer manage the community (re-checked at each delivery)."""

    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # Needed in clear to sign each delivery; shown once, never displayed again.
    secret = models.CharField(_("secret"), max_length=80, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failed deliveries in a row"), default=0)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["community_id", "pk"]
        indexes = [models.Index(fields=["community", "is_active"], name="webhook_community")]

    def __str__(self) -> str:
        return f"{self.community} → {self.url}"

    def event_labels(self) -> list[str]:
        return [str(Event(code).label) for code in self.events if code in Event.values]


class Delivery(models.Model):
    """One event for one hook: built when the event's transaction commits, sent by a
    Celery task, retried with backoff until it succeeds, fails for good or is skipped."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        RETRYING = "retrying", _("Will be retried")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent (the owner lost access)")

    hook = models.ForeignKey(
        Hook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    # The delivery id, sent in every attempt: receivers use it to drop duplicates.
    uid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    # What the event is about (ids only); the body is built at each attempt, with the
    # access of the hook's owner at that moment.
    refs = models.JSONField(_("about"), default=dict)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["hook", "-occurred_at"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} ({self.uid})"


class Attempt(models.Model):
    """One try at a delivery, as the log shows it."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent (the owner lost access)")
        REFUSED = "refused", _("Not sent (address refused)")

    delivery = models.ForeignKey(
        Delivery, verbose_name=_("delivery"), on_delete=models.CASCADE, related_name="log"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    response_excerpt = models.CharField(_("response (excerpt)"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("webhook delivery attempt")
        verbose_name_plural = _("webhook delivery attempts")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.delivery} #{self.number}: {self.get_outcome_display()}"
