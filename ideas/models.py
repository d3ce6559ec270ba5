"""The idea box of a community: ideas (posts with a title, a status and votes), the
votes, and the review team. Data and invariants only; who may propose, vote, review or
merge is decided in `access.ideas`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from posts.models import Post

TITLE_MAX_LENGTH = 200
REASON_MAX_LENGTH = 1000


class IdeaBox(models.Model):
    """A community's idea box (no row, or not enabled: the community has none)."""

    community = models.OneToOneField(
        Community,
        verbose_name=_("community"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="idea_box",
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("idea box")
        verbose_name_plural = _("idea boxes")

    def __str__(self) -> str:
        return str(self.community)


class Reviewer(models.Model):
    """Someone a manager named to the review team (managers review anyway)."""

    box = models.ForeignKey(
        IdeaBox, verbose_name=_("idea box"), on_delete=models.CASCADE, related_name="reviewers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="idea_reviews",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("idea reviewer")
        verbose_name_plural = _("idea reviewers")
        constraints = [models.UniqueConstraint(fields=["box", "user"], name="reviewer_once")]

    def __str__(self) -> str:
        return f"{self.user} — {self.box}"


class Idea(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        UNDER_REVIEW = "under_review", _("Under review")
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")
        MERGED = "merged", _("Merged")

    post = models.OneToOneField(
        Post,
        verbose_name=_("post"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="idea",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    reason = models.TextField(_("reason"), blank=True, max_length=REASON_MAX_LENGTH)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_ideas",
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    # Stored counter, kept by the vote service under a lock of this row.
    votes_count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(reason=""),
                name="idea_declined_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Vote(models.Model):
    """One person supports one idea, once (distinct from likes)."""

    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="idea_votes",
    )
    created_at = models.DateTimeField(_("voted at"), default=timezone.now)

    class Meta:
        verbose_name = _("vote for an idea")
        verbose_name_plural = _("votes for ideas")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="vote_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.idea_id}"
