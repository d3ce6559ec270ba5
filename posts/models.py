"""Posts, comments, likes, tags and follows: data and invariants only.

A post lives in a community, or on its author's profile (community empty: every
employee may read it, never an external). Who may read what is decided in
`posts.selectors`, never here.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from communities.models import Community


class Status(models.TextChoices):
    PUBLISHED = "published", _("Published")
    # Hidden by a moderator, or automatically once enough people reported it:
    # kept for the record, shown to nobody but moderators.
    HIDDEN = "hidden", _("Hidden")
    DELETED = "deleted", _("Deleted")


# The stubs cannot follow taggit's untyped base class to `tag_links`.
class Post(models.Model):  # type: ignore[django-manager-missing]
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="posts",
        help_text=_("Empty: a post on the author's own profile."),
        db_index=False,  # the stream index below starts with it
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="posts",
        db_index=False,  # the stream index below starts with it
    )
    body = models.TextField(_("text"))
    # The text rendered (posts.rendering), stored when written, and the version of the
    # renderer that made it: empty or older, it is rendered again on the next view.
    body_html = models.TextField(_("text as HTML"), blank=True, default="", editable=False)
    body_html_version = models.IntegerField(
        _("renderer version"), null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    created_at = models.DateTimeField(_("published at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    edited_by_moderator = models.BooleanField(_("edited by a moderator"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    # Stored counters, kept by the services (never recounted at display).
    likes_count = models.PositiveIntegerField(_("likes"), default=0)
    comments_count = models.PositiveIntegerField(_("comments"), default=0)
    # A share: this post quotes another one. The quote is shown only to those who may
    # read the original (posts.selectors.with_cards asks the reading rule).
    shared = models.ForeignKey(
        "self",
        verbose_name=_("shared post"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shares",
    )

    tags = TaggableManager(verbose_name=_("tags"), through="posts.TaggedPost", blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at", "-id"]
        # Streams page by the keyset (created_at, id), newest first. No separate index on
        # the community or the author: it would duplicate these, and with it the planner
        # sorted a part of the home stream instead of walking its index in order.
        indexes = [
            models.Index(fields=["community", "-created_at", "-id"], name="post_community_stream"),
            models.Index(fields=["author", "-created_at", "-id"], name="post_author_stream"),
            models.Index(fields=["-created_at", "-id"], name="post_stream"),
        ]

    def __str__(self) -> str:
        return f"{self.author} — {self.body[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("posts:post_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class TaggedPost(TaggedItemBase):
    """Post–tag link with a real foreign key (no generic relation): fast tag pages."""

    content_object: "models.ForeignKey[Post, Post]" = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="tag_links"
    )
    # The post's publication time, copied (it never changes): a tag's posts are read
    # newest first from its links alone, however many old posts carry it.
    created_at: "models.DateTimeField[datetime, datetime]" = models.DateTimeField(
        _("published at"), editable=False
    )
    # The tag as this post's author typed it (normalized): what the post shows. Empty
    # on links older than it (the post shows the tag's own name).
    name: "models.CharField[str, str]" = models.CharField(
        _("spelling"), max_length=100, blank=True, default=""
    )

    class Meta:
        verbose_name = _("tag of a post")
        verbose_name_plural = _("tags of posts")
        constraints = [
            models.UniqueConstraint(fields=["tag", "content_object"], name="tagged_post_once"),
        ]
        indexes = [
            models.Index(fields=["tag", "-created_at", "-content_object"], name="tag_stream"),
        ]

    def save(self, *args, **kwargs) -> None:
        if self.created_at is None:
            self.created_at = self.content_object.created_at
        super().save(*args, **kwargs)


class Comment(models.Model):
    """A comment on a post, or a reply to a comment (one level: `parent` is top-level)."""

    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="comments",
        db_index=False,  # the thread index below starts with it
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    body = models.TextField(_("text"))
    # The text rendered (posts.rendering), stored when written, and the version of the
    # renderer that made it: empty or older, it is rendered again on the next view.
    body_html = models.TextField(_("text as HTML"), blank=True, default="", editable=False)
    body_html_version = models.IntegerField(
        _("renderer version"), null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    created_at = models.DateTimeField(_("published at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    edited_by_moderator = models.BooleanField(_("edited by a moderator"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    likes_count = models.PositiveIntegerField(_("likes"), default=0)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at", "id"], name="comment_thread")]

    def __str__(self) -> str:
        return f"{self.author} — {self.body[:60]}"

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED


class Revision(models.Model):
    """An earlier version of a post or comment, kept when it is edited (shown to
    moderators: the charter asks authors to say when they changed a message)."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="revisions"
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="revisions",
        help_text=_("Empty: a version of the post itself."),
    )
    body = models.TextField(_("earlier text"))
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replaced by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_moderator = models.BooleanField(_("by a moderator"), default=False)
    created_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Like(models.Model):
    """One person likes one post or one comment, once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="likes",
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("post"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="likes",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="likes",
    )
    created_at = models.DateTimeField(_("liked at"), default=timezone.now)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(post__isnull=False, comment__isnull=True)
                    | models.Q(post__isnull=True, comment__isnull=False)
                ),
                name="like_one_target",
            ),
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=models.Q(post__isnull=False),
                name="like_post_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=models.Q(comment__isnull=False),
                name="like_comment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.post_id or self.comment_id}"


class Attachment(models.Model):
    """An image or document attached to a post; served only to its readers."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        DOCUMENT = "document", _("Document")

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    # Images: a re-encoded copy bounded in pixels, the only version shown inline.
    preview = models.FileField(
        _("preview"), upload_to="attachments/%Y/%m/", blank=True, editable=False
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Mention(models.Model):
    """A person @mentioned in a post or a comment."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="mentions"
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mentions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="mentions",
    )

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")

    def __str__(self) -> str:
        return f"@{self.user} in {self.post_id}"


class CommunityFollow(models.Model):
    """Someone who reads a community's posts in their stream without being a member."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follower"),
        on_delete=models.CASCADE,
        related_name="community_follows",
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follow of a community")
        verbose_name_plural = _("follows of communities")
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="community_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.community}"


class TagFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follower"),
        on_delete=models.CASCADE,
        related_name="tag_follows",
    )
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follow of a tag")
        verbose_name_plural = _("follows of tags")
        constraints = [
            models.UniqueConstraint(fields=["user", "tag"], name="tag_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → #{self.tag}"
