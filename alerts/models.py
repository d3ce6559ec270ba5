"""Alerts: data only. What reaches whom (alert levels per community and per followed
tag), the fan-out of a post's alerts, pinned posts and announcements with who saw
them, working hours (the right to disconnect) and deliveries held outside them.

Written through `alerts.services`; read through `alerts.selectors`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification


class Level(models.TextChoices):
    ALL = "all", _("Every post")
    HIGHLIGHTS = "highlights", _("Announcements and posts that mention me")
    NONE = "none", _("Nothing")


class CommunityAlert(models.Model):
    """A person's alert level for one community (no row: the default, which depends on
    the community's size: `RSE_ALERTS_LARGE_COMMUNITY`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="community_alerts",
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    level = models.CharField(_("alerts"), max_length=12, choices=Level.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("community alert setting")
        verbose_name_plural = _("community alert settings")
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="community_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.community}: {self.get_level_display()}"


class TagAlert(models.Model):
    """A person's alert level for one followed tag (no row: `RSE_ALERTS_TAG_DEFAULT`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="tag_alerts",
    )
    tag = models.ForeignKey(
        "taggit.Tag", verbose_name=_("tag"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(_("alerts"), max_length=12, choices=Level.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tag alert setting")
        verbose_name_plural = _("tag alert settings")
        constraints = [
            models.UniqueConstraint(fields=["tag", "user"], name="tag_alert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.tag}: {self.get_level_display()}"


class Fanout(models.Model):
    """The progress of one post's alerts: recipients are written in batches by
    increasing person id; `after` is the last id done, so a task killed half-way
    resumes where it stopped and a second run writes nothing twice."""

    post = models.ForeignKey(
        "posts.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=24)
    after = models.BigIntegerField(_("last person done"), default=0)
    sent = models.PositiveIntegerField(_("alerts written"), default=0)
    batches = models.PositiveIntegerField(_("batches"), default=0)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert fan-out")
        verbose_name_plural = _("alert fan-outs")
        constraints = [models.UniqueConstraint(fields=["post", "kind"], name="fanout_once")]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.sent}"


class Pin(models.Model):
    """A post pinned at the top of its community — or, for a site-wide announcement (a
    profile post by the communications group), of everyone's home. An announcement
    notifies every reader once and counts who saw it."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("Announcement")
        PINNED = "pinned", _("Pinned post")

    post = models.OneToOneField(
        "posts.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="pin"
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Empty: a site-wide announcement."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    urgent = models.BooleanField(
        _("urgent"),
        default=False,
        help_text=_("Delivered even outside working hours (site administrators only)."),
    )
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pinned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("pinned at"), default=timezone.now)
    expires_at = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    # Readers when it was announced (members, or employees when site-wide): the "M" of
    # "seen by N of M".
    audience_size = models.PositiveIntegerField(_("readers when announced"), default=0)
    seen_count = models.PositiveIntegerField(_("seen by"), default=0)

    class Meta:
        verbose_name = _("pinned post or announcement")
        verbose_name_plural = _("pinned posts and announcements")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["community", "-created_at"],
                condition=models.Q(lifted_at__isnull=True),
                name="pin_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.post_id}"

    @property
    def is_announcement(self) -> bool:
        return self.kind == self.Kind.ANNOUNCEMENT


class Receipt(models.Model):
    """One person saw an announcement (and perhaps dismissed it)."""

    pin = models.ForeignKey(
        Pin, verbose_name=_("announcement"), on_delete=models.CASCADE, related_name="receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    seen_at = models.DateTimeField(_("seen at"), default=timezone.now)
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement receipt")
        verbose_name_plural = _("announcement receipts")
        constraints = [models.UniqueConstraint(fields=["pin", "user"], name="receipt_once")]
        indexes = [models.Index(fields=["user", "pin"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.pin_id}"


class WorkingHours(models.Model):
    """When a person may be reached (the right to disconnect). No row: the defaults
    from settings (`RSE_WORK_*`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="working_hours",
    )
    time_zone = models.CharField(_("time zone"), max_length=64)
    start = models.TimeField(_("working day starts at"))
    end = models.TimeField(_("working day ends at"))
    # ISO weekdays, 1 = Monday … 7 = Sunday, e.g. "12345".
    days = models.CharField(_("working days"), max_length=7)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start__lt=models.F("end")), name="work_start_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.days} {self.start}–{self.end} {self.time_zone}"


class HeldDelivery(models.Model):
    """An immediate e-mail held outside its recipient's working hours, sent when their
    next working period begins (`release_at`)."""

    notification = models.ForeignKey(
        "notifications.Notification",
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=8, default="email")
    release_at = models.DateTimeField(_("to send at"))
    released_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("held delivery")
        verbose_name_plural = _("held deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="held_once"),
        ]
        indexes = [
            models.Index(
                fields=["release_at"],
                condition=models.Q(released_at__isnull=True),
                name="held_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} → {self.release_at}"


class RequestReminder(models.Model):
    """The managers of a community were reminded of one join request before it
    expires (once)."""

    membership = models.OneToOneField(
        "communities.Membership",
        verbose_name=_("join request"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("reminded at"), default=timezone.now)

    class Meta:
        verbose_name = _("join request reminder")
        verbose_name_plural = _("join request reminders")

    def __str__(self) -> str:
        return str(self.membership_id)


class NotificationDay(Notification):
    """Notifications counted per kind and day, for Django admin (a proxy: no table)."""

    class Meta:
        proxy = True
        verbose_name = _("notifications per day")
        verbose_name_plural = _("notifications per day")


class PushSubscription(models.Model):
    """One browser or phone that receives pushes for a person (the Web Push
    subscription its browser gave: the push service's address and the keys that
    encrypt for it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
    )
    endpoint = models.URLField(_("push service address"), max_length=1000, unique=True)
    p256dh = models.CharField(_("public key"), max_length=200)
    auth = models.CharField(_("authentication secret"), max_length=100)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    last_push_at = models.DateTimeField(_("last push"), null=True, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} — {self.user_agent[:40]}"


class PushSettings(models.Model):
    """The kinds of notification a person wants pushed to their devices (no row: the
    defaults, `alerts.push.DEFAULT_PUSH_KINDS`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="push_settings",
    )
    kinds = models.JSONField(_("kinds pushed"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("push settings")
        verbose_name_plural = _("push settings")

    def __str__(self) -> str:
        return f"{self.user}: {', '.join(self.kinds)}"


class PushLog(models.Model):
    """A notification was pushed (once: the row is the claim two workers race for)."""

    notification = models.OneToOneField(
        "notifications.Notification",
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("pushed at"), default=timezone.now)
    devices = models.PositiveSmallIntegerField(_("devices reached"), default=0)

    class Meta:
        verbose_name = _("push sent")
        verbose_name_plural = _("pushes sent")

    def __str__(self) -> str:
        return f"{self.notification_id}: {self.devices}"
