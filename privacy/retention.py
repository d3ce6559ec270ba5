"""Retention of content: posts and comments deleted (by their author or a moderator) or
hidden by a moderator are purged CONTENT_DELETED_RETENTION_DAYS later, with their
earlier versions, attachments (files included), mentions, likes, tags and
notifications; so are the posts of a community with a retention period
(`CommunityRetention`, off unless set) once older than it. A moderation case or an
appeal still open about the item (or, for a post, about one of its comments) holds it.

What stays is a tombstone: the row, with its author, dates, status and an empty text,
so that moderation cases, decisions and sanctions about it keep their history and
their counts. An item is purged once: the job finds only those whose text is not
empty yet, and re-checks every condition on the row it locks.
"""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from core import navcounters
from lifecycle.jobs import JobReport, in_batches, record, register
from moderation.models import Appeal, Case, Decision
from notifications.models import Notification
from posts.models import Attachment, Comment, Like, Mention, Post, Revision, Status, TaggedPost

from .models import CommunityRetention

JOB = "content_retention"
GONE = (Status.DELETED, Status.HIDDEN)
# A purged text: its stored rendering goes with it.
EMPTIED = {"body": "", "body_html": "", "body_html_version": None}


def _hidden_at(**case_filter) -> QuerySet:
    """When a moderator last decided to hide the item (a subquery)."""
    return (
        Decision.objects.filter(outcome=Decision.Outcome.HIDE, **case_filter)
        .values("case__post")
        .annotate(at=Max("decided_at"))
        .values("at")
    )


def _open_case_or_appeal(**case_filter) -> Q:
    open_case = Case.objects.filter(status=Case.Status.OPEN, **case_filter)
    appeal = Appeal.objects.filter(
        status=Appeal.Status.PENDING, **{f"case__{k}": v for k, v in case_filter.items()}
    )
    return Q(Exists(open_case)) | Q(Exists(appeal))


def posts_due(now: datetime) -> QuerySet[Post]:
    """Deleted or hidden posts past the retention, not purged yet and not held."""
    cutoff = now - timedelta(days=settings.CONTENT_DELETED_RETENTION_DAYS)
    hidden_at = _hidden_at(case__post=OuterRef("pk"), case__comment__isnull=True)
    return (
        Post.objects.filter(status__in=GONE)
        .exclude(body="")
        .annotate(hidden_at=hidden_at[:1])
        .filter(
            Q(status=Status.DELETED, deleted_at__lte=cutoff)
            | Q(status=Status.HIDDEN, hidden_at__lte=cutoff)
        )
        .exclude(_open_case_or_appeal(post=OuterRef("pk")))
    )


def comments_due(now: datetime) -> QuerySet[Comment]:
    """Deleted or hidden comments past the retention (their post still there)."""
    cutoff = now - timedelta(days=settings.CONTENT_DELETED_RETENTION_DAYS)
    hidden_at = _hidden_at(case__comment=OuterRef("pk"))
    return (
        Comment.objects.filter(status__in=GONE)
        .exclude(body="")
        .annotate(hidden_at=hidden_at[:1])
        .filter(
            Q(status=Status.DELETED, deleted_at__lte=cutoff)
            | Q(status=Status.HIDDEN, hidden_at__lte=cutoff)
        )
        .exclude(_open_case_or_appeal(comment=OuterRef("pk")))
        .exclude(_open_case_or_appeal(comment__parent=OuterRef("pk")))
    )


def community_posts_due(now: datetime) -> QuerySet[Post]:
    """Posts of communities with a retention period, older than it (any status)."""
    due = Q(pk__in=[])
    for community_id, years in CommunityRetention.objects.values_list("community_id", "years"):
        due |= Q(community_id=community_id, created_at__lte=now - timedelta(days=365 * years))
    return (
        Post.objects.filter(due).exclude(body="").exclude(_open_case_or_appeal(post=OuterRef("pk")))
    )


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _purge_post_content(post_ids: list[int]) -> dict[str, int]:
    """Remove everything a post (and its comments) holds but the tombstone rows."""
    attachments = Attachment.objects.filter(post_id__in=post_ids)
    files = [
        name
        for file, preview in attachments.values_list("file", "preview")
        for name in (file, preview)
        if name
    ]
    comment_ids = list(Comment.objects.filter(post_id__in=post_ids).values_list("pk", flat=True))
    counts = {
        "attachments": attachments.delete()[0],
        "revisions": Revision.objects.filter(post_id__in=post_ids).delete()[0],
        "comments": Comment.objects.filter(pk__in=comment_ids).exclude(body="").update(**EMPTIED),
    }
    Mention.objects.filter(post_id__in=post_ids).delete()
    Like.objects.filter(Q(post_id__in=post_ids) | Q(comment_id__in=comment_ids)).delete()
    TaggedPost.objects.filter(content_object_id__in=post_ids).delete()
    Notification.objects.filter(Q(post_id__in=post_ids) | Q(comment_id__in=comment_ids)).delete()
    Post.objects.filter(pk__in=post_ids).update(**EMPTIED, likes_count=0)
    if files:
        transaction.on_commit(partial(_delete_files, files))
    counts["files"] = len(files)
    return counts


def _purge_post(pk: int, report: JobReport, now: datetime, dry_run: bool, *, due) -> None:
    if dry_run:
        report.add("posts", f"would purge post #{pk}")
        return
    # Lock the row, then check again that it is still due (a second worker, a reversal).
    if not Post.objects.select_for_update().filter(pk=pk).exists():
        return
    post = due(now).filter(pk=pk).first()
    if post is None:
        return
    reason = "community_retention" if post.status == Status.PUBLISHED else post.status
    if post.status == Status.PUBLISHED:
        Post.objects.filter(pk=pk).update(status=Status.DELETED, deleted_at=now)
        navcounters.access_changed()
    counts = _purge_post_content([pk])
    post.body = ""  # the audit label must not keep the text
    record(
        JOB,
        "privacy.content_purged",
        target=post,
        data={"kind": "post", "reason": reason, **counts},
    )
    report.add("posts", f"purged post #{pk} ({reason})")


def _purge_comment(pk: int, report: JobReport, now: datetime, dry_run: bool) -> None:
    if dry_run:
        report.add("comments", f"would purge comment #{pk}")
        return
    if not Comment.objects.select_for_update().filter(pk=pk).exists():
        return
    comment = comments_due(now).filter(pk=pk).first()
    if comment is None:
        return
    revisions = Revision.objects.filter(comment_id=pk).delete()[0]
    Mention.objects.filter(comment_id=pk).delete()
    Like.objects.filter(comment_id=pk).delete()
    Notification.objects.filter(comment_id=pk).delete()
    Comment.objects.filter(pk=pk).update(**EMPTIED, likes_count=0)
    comment.body = ""
    record(
        JOB,
        "privacy.content_purged",
        target=comment,
        data={"kind": "comment", "reason": comment.status, "revisions": revisions},
    )
    report.add("comments", f"purged comment #{pk} ({comment.status})")


@register(
    JOB,
    "Purge posts and comments deleted or hidden CONTENT_DELETED_RETENTION_DAYS ago (held by "
    "open cases and appeals), and the posts of communities with a retention period.",
)
def content_retention(report: JobReport, *, now: datetime, dry_run: bool) -> None:
    now = now or timezone.now()
    in_batches(
        posts_due(now),
        lambda pk: _purge_post(pk, report, now, dry_run, due=posts_due),
        dry_run=dry_run,
    )
    in_batches(
        comments_due(now), lambda pk: _purge_comment(pk, report, now, dry_run), dry_run=dry_run
    )
    in_batches(
        community_posts_due(now),
        lambda pk: _purge_post(pk, report, now, dry_run, due=community_posts_due),
        dry_run=dry_run,
    )
