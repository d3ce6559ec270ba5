"""In-app notifications: data only. Created through `notifications.services.notify`,
which checks that the recipient may see what the notification is about."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
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
    CHARTER = "charter", _("Consultations on the usage charter, answers to my comments")
    # Use cases built on posts (the questions, ideas and events apps).
    QUESTION_OFFERED = "question_offered", _("A question on my skills is offered to me")
    IDEA_STATUS = "idea_status", _("An idea I proposed or voted for changes status")
    EVENT = "event", _("Events I answered: reminders and cancellations")
    # Alerts (the alerts app): new posts where I asked for them, announcements, and
    # what managers and moderators must act on.
    NEW_POST = "new_post", _("New posts in my communities and followed tags")
    ANNOUNCEMENT = "announcement", _("Announcements")
    JOIN_REQUESTED = "join_requested", _("Someone asks to join a community I manage")
    REQUEST_EXPIRING = "request_expiring", _("A join request I must decide expires soon")
    REPORT_FILED = "report_filed", _("A report in a community I moderate")
    APPEAL_FILED = "appeal_filed", _("A moderation decision is contested (site moderators)")


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
            # The daily digest looks for recent notifications not e-mailed yet.
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_unemailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} — {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        """The notification's own link: opening it marks it read, then goes to its
        target. Kind templates link to `{{ base_url }}{{ n.get_absolute_url }}`."""
        return reverse("notifications:open", args=[self.pk])

    def target_url(self) -> str:
        """Where the notification leads (a path on this site): the explicit
        data["url"], else the comment, post, community or (for a follow) the actor."""
        url = (self.data or {}).get("url")
        if (
            isinstance(url, str)
            and url.startswith("/")
            and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
        ):
            return url
        if self.comment_id is not None and self.post_id is not None:
            return f"{reverse('posts:post_detail', args=[self.post_id])}#comment-{self.comment_id}"
        if self.post_id is not None:
            return reverse("posts:post_detail", args=[self.post_id])
        if self.community_id is not None and self.community is not None:
            return reverse("communities:detail", args=[self.community.slug])
        if self.kind == Kind.FOLLOWED and self.actor_id is not None and self.actor is not None:
            return reverse("people:detail", args=[self.actor.username])
        return reverse("notifications:inbox")

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class EmailMode(models.TextChoices):
    NEVER = "never", _("Never")
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("In the daily digest")


# What each kind does by e-mail for someone who has not chosen. Governance and
# invitations matter and are rare: at once. Mentions ask for an answer: at once.
# Comments and new followers are worth a daily summary; likes stay in the app.
DEFAULT_EMAIL: dict[str, str] = {
    Kind.LIKED: EmailMode.NEVER,
    Kind.COMMENTED: EmailMode.DAILY,
    Kind.MENTIONED: EmailMode.IMMEDIATELY,
    Kind.FOLLOWED: EmailMode.DAILY,
    Kind.REQUEST_APPROVED: EmailMode.IMMEDIATELY,
    Kind.INVITED: EmailMode.IMMEDIATELY,
    Kind.MODERATION: EmailMode.IMMEDIATELY,
    Kind.COMMUNITY_LIFECYCLE: EmailMode.IMMEDIATELY,
    Kind.ACCOUNT: EmailMode.IMMEDIATELY,
    Kind.CHARTER: EmailMode.DAILY,
    Kind.QUESTION_OFFERED: EmailMode.DAILY,
    Kind.IDEA_STATUS: EmailMode.DAILY,
    Kind.EVENT: EmailMode.IMMEDIATELY,
    Kind.NEW_POST: EmailMode.DAILY,
    Kind.ANNOUNCEMENT: EmailMode.IMMEDIATELY,
    Kind.JOIN_REQUESTED: EmailMode.IMMEDIATELY,
    Kind.REQUEST_EXPIRING: EmailMode.IMMEDIATELY,
    Kind.REPORT_FILED: EmailMode.IMMEDIATELY,
    Kind.APPEAL_FILED: EmailMode.IMMEDIATELY,
}


class NotificationPreference(models.Model):
    """A person's choice of e-mail for one kind (no row: DEFAULT_EMAIL applies)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    email = models.CharField(_("by e-mail"), max_length=12, choices=EmailMode.choices)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}: {self.get_email_display()}"


class EmailSettings(models.Model):
    """Per-person e-mail settings: the language notification e-mails are written in
    (empty: the site's default language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="email_settings",
    )
    language = models.CharField(
        _("language of e-mails"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("e-mail settings")
        verbose_name_plural = _("e-mail settings")

    def __str__(self) -> str:
        return f"{self.user} — {self.language or settings.LANGUAGE_CODE}"
