"""What moderation does to posts and comments, as posts' own services: moderation
decides (and checks who may), these change the content — status, moderator's edit,
move — keeping the counters and the revisions right. Called inside the moderation
service's transaction; they check no permission themselves."""

from django.db.models import F
from django.utils import timezone

from communities.models import Community
from core import navcounters

from .models import Comment, Post, Revision, Status
from .rendering import rendered_fields


def item_status_set(*, item: Post | Comment, status: str) -> bool:
    """Change the status of a post or comment, keeping the post's comment counter
    (published comments) right. Returns False if it was already in that status."""
    now = timezone.now()
    fields: dict = {"status": status}
    if status == Status.DELETED:
        fields["deleted_at"] = now
    elif status == Status.PUBLISHED:
        fields["deleted_at"] = None
    model = type(item)
    previous = model.objects.select_for_update().filter(pk=item.pk).values_list("status", flat=True)
    before = previous.first()
    if before is None or before == status:
        return False
    model.objects.filter(pk=item.pk, status=before).update(**fields)
    navcounters.access_changed()
    if isinstance(item, Comment):
        if before == Status.PUBLISHED:
            Post.objects.filter(pk=item.post_id).update(comments_count=F("comments_count") - 1)
        elif status == Status.PUBLISHED:
            Post.objects.filter(pk=item.post_id).update(comments_count=F("comments_count") + 1)
    item.status = status
    return True


def item_moderator_edit(*, actor, item: Post | Comment, body: str, marked: bool = True) -> None:
    """Replace the text of a post or comment, keeping the current one as a moderator's
    revision. `marked`: the content shows "edited by a moderator" (False when an
    appeal puts the author's text back)."""
    now = timezone.now()
    current = type(item).objects.filter(pk=item.pk).values_list("body", flat=True).get()
    post = item if isinstance(item, Post) else item.post
    Revision.objects.create(
        post=post,
        comment=item if isinstance(item, Comment) else None,
        body=current,
        edited_by=actor,
        by_moderator=True,
        created_at=now,
    )
    type(item).objects.filter(pk=item.pk).update(
        body=body, edited_at=now, edited_by_moderator=marked, **rendered_fields(body)
    )


def last_moderator_revision(item: Post | Comment) -> Revision | None:
    """The text a moderator's edit replaced, if any (newest first)."""
    post = item if isinstance(item, Post) else item.post
    comment = item if isinstance(item, Comment) else None
    return (
        Revision.objects.filter(post=post, comment=comment, by_moderator=True)
        .order_by("-created_at", "-id")
        .first()
    )


def post_move(*, post_id: int, destination: Community | None) -> None:
    """Move a post to another community (a moderator's decision, or its reversal)."""
    Post.objects.filter(pk=post_id).update(community=destination)
