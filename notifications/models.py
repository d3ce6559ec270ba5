"""In-app notifications: data only. Created through `notifications.services.notify`,
which checks that the recipient may see what the notification is about."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LIKED = "liked", _("Someone liked my post or comment")
    COMMENTED = "commented", _("Someone commented on my post or replied to me")
    MENTIONED = "mentioned", _("Someone mentioned me")
    FOLLOWED = "followed", _("Someone followed me")
    REQUEST_APPROVED = "request_approved", _("My request to join was approved")
    INVITED = "invited", _("I was invited into a community")
    # Governance: moderation decisions and lifecycle of communities and accounts.
    MODERATION = "moderation", _("Moderation of my content, reports I made")
    COMMUNITY_LIFECYCLE = "community_lifecycle", _("Communities I manage become dormant")
    ACCOUNT = "account", _("My account and the externals I sponsor")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # What the notification is about; each one is re-checked against the access
    # rules when the list is shown, so nothing leaks after access is lost.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    post = models.ForeignKey(
        "posts.Post",
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    comment = models.ForeignKey(
        "posts.Comment",
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Kind-specific details (an event code, a reason, a charter section…), rendered
    # in the reader's language at display time.
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.get_kind_display()}"
