"""Writes about posts, comments, likes and follows: one function per business action.

Each checks who acts (charter, contribution rights), changes the data in one
transaction with conditional updates and F() counters, and tells the people
concerned through `notifications.services.notify` (which drops whoever may not read).
"""

from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag

from access import posts as post_rules
from access.communities import is_readable_by
from access.people import users_visible_to
from access.posts import comments_readable_by, is_post_readable_by
from audit import services as audit
from charter.permissions import ensure_charter_accepted
from communities.models import Community
from communities.services import record_activity
from core import navcounters
from core.notices import notify
from profiles.models import User

from . import ratelimits
from .events import comment_added, post_published
from .models import (
    Attachment,
    Comment,
    CommunityFollow,
    Like,
    Mention,
    Post,
    Revision,
    Status,
    TagFollow,
)
from .rendering import MENTION_RE, rendered_fields
from .tags import parse_tags, post_tags_set
from .uploads import CheckedUpload, check_upload, check_uploads

MAX_MENTIONS = 20


def _clean_body(body: str, limit: int) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write something before publishing."))
    if len(body) > limit:
        raise ValidationError(
            _("Your text is too long: %(count)d characters, at most %(limit)d.")
            % {"count": len(body), "limit": limit}
        )
    return body


def _ensure_can_contribute(actor: User, community: Community | None) -> None:
    ensure_charter_accepted(actor)
    if not post_rules.can_contribute(actor, community):
        if community is not None and community.is_archived:
            raise PermissionDenied(_("This community is archived: it is read-only."))
        raise PermissionDenied(_("You may not contribute here."))


def mentioned_users(author: User, body: str) -> list[User]:
    """The people @mentioned in `body` that the author may see (by username)."""
    names = []
    for match in MENTION_RE.finditer(body or ""):
        name = match.group(1).rstrip(".-+").lower()
        if name and name not in names:
            names.append(name)
    if not names:
        return []
    query = Q()
    for name in names[:MAX_MENTIONS]:
        query |= Q(username__iexact=name)
    return list(users_visible_to(author).filter(query, is_active=True).exclude(pk=author.pk))


def _mention(
    *, actor: User, post: Post, comment: Comment | None, body: str, already: set[int]
) -> None:
    for user in mentioned_users(actor, body):
        if user.pk in already:
            continue
        Mention.objects.create(post=post, comment=comment, user=user)
        notify(recipient=user, kind="mentioned", actor=actor, post=post, comment=comment)


def _store_attachments(post: Post, checked: list[CheckedUpload], stored: list) -> None:
    for item in checked:
        upload: File = item.upload
        upload.name = item.name
        attachment = Attachment(
            post=post,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
            kind=item.kind,
        )
        attachment.file.save(item.name, upload, save=False)
        stored.append(attachment)
        if item.preview is not None:
            attachment.preview.save(item.preview.name, item.preview, save=False)
        attachment.save()


def attachment_previews_backfill(*, dry_run: bool = False) -> dict[str, int]:
    """Make the previews of image attachments stored before previews existed (pages show
    a download link for them until then). Images the checks of today refuse (too many
    pixels, unreadable, missing) get none and stay downloads. Safe to run again."""
    counts = {"made": 0, "refused": 0}
    pending = Attachment.objects.filter(kind=Attachment.Kind.IMAGE, preview="")
    for attachment in pending.iterator():
        try:
            with attachment.file.open("rb") as handle:
                preview = check_upload(File(handle.file, name=attachment.original_name)).preview
        except (ValidationError, OSError):
            counts["refused"] += 1
            continue
        if preview is None:
            counts["refused"] += 1
            continue
        counts["made"] += 1
        if not dry_run:
            attachment.preview.save(preview.name, preview, save=False)
            Attachment.objects.filter(pk=attachment.pk, preview="").update(
                preview=attachment.preview.name
            )
    return counts


def post_create(
    *,
    actor: User,
    community: Community | None = None,
    body: str,
    tags: str = "",
    uploads: list[UploadedFile] | None = None,
) -> Post:
    """Publish a post in `community`, or on the author's own profile (community None).

    Everything is checked before anything is written; files are stored last, inside
    the transaction, and removed again if it fails."""
    _ensure_can_contribute(actor, community)
    body = _clean_body(body, settings.RSE_POST_MAX_CHARS)
    ratelimits.ensure_may_post(actor=actor, community=community)
    tag_names = parse_tags(tags)
    checked = check_uploads(list(uploads or []))
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            post = Post.objects.create(
                community=community, author=actor, body=body, **rendered_fields(body)
            )
            if tag_names:
                post_tags_set(post, tag_names)
            _mention(actor=actor, post=post, comment=None, body=body, already=set())
            if community is not None:
                record_activity(community)
            _store_attachments(post, checked, stored)
            post_published.send(sender=Post, post=post)
    except Exception:
        _delete_files(stored)
        raise
    return post


def post_share(*, actor: User, original: Post, community: Community, body: str = "") -> Post:
    """Share `original` into `community`: a new post quoting it (and saying why, if the
    author writes something). The original is never copied: the quote is shown only
    to those who may read it (posts.selectors.with_cards)."""
    if not is_post_readable_by(actor, original):
        raise PermissionDenied(_("You may not share this post."))
    _ensure_can_contribute(actor, community)
    body = (body or "").strip()
    if len(body) > settings.RSE_POST_MAX_CHARS:
        raise ValidationError(
            _("Your text is too long: %(count)d characters, at most %(limit)d.")
            % {"count": len(body), "limit": settings.RSE_POST_MAX_CHARS}
        )
    with transaction.atomic():
        post = Post.objects.create(
            community=community, author=actor, body=body, shared=original, **rendered_fields(body)
        )
        if body:
            _mention(actor=actor, post=post, comment=None, body=body, already=set())
        record_activity(community)
    return post


def post_edit(
    *,
    actor: User,
    post: Post,
    body: str,
    tags: str | None = None,
    uploads: list[UploadedFile] | None = None,
    remove: list[int] | None = None,
) -> Post:
    """The author changes the text (and tags), adds attachments and removes some (by
    id); the earlier text is kept as a Revision. Everything is checked before anything
    is written; the removed files leave the storage once the change is committed."""
    if not post_rules.can_edit(actor, post):
        raise PermissionDenied(_("You may only edit your own published posts."))
    ensure_charter_accepted(actor)
    body = _clean_body(body, settings.RSE_POST_MAX_CHARS)
    tag_names = parse_tags(tags) if tags is not None else None
    checked = check_uploads(list(uploads or []))
    remove_ids = set(remove or [])
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            locked = Post.objects.select_for_update().get(pk=post.pk)
            if locked.status != Status.PUBLISHED:
                raise ValidationError(_("This post was deleted: it can no longer be edited."))
            current = list(locked.attachments.all())
            if remove_ids - {a.pk for a in current}:
                raise ValidationError(
                    _("This attachment is not one of the post's: reload the page.")
                )
            limit = settings.RSE_ATTACHMENTS_PER_POST
            if len(current) - len(remove_ids) + len(checked) > limit:
                raise ValidationError(
                    _("A post may carry up to %(limit)d attachments.") % {"limit": limit}
                )
            already = set(
                Mention.objects.filter(post=post, comment=None).values_list("user_id", flat=True)
            )
            changed = bool(remove_ids or checked)
            if locked.body != body:
                Revision.objects.create(post=locked, body=locked.body, edited_by=actor)
                locked.body = body
                changed = True
            if changed:
                locked.edited_at = timezone.now()
                for name, value in rendered_fields(body).items():
                    setattr(locked, name, value)
                locked.save(update_fields=["body", "edited_at", "body_html", "body_html_version"])
            if tag_names is not None:
                post_tags_set(locked, tag_names)
            _mention(actor=actor, post=locked, comment=None, body=body, already=already)
            removed = [a for a in current if a.pk in remove_ids]
            Attachment.objects.filter(post=locked, pk__in=remove_ids).delete()
            _store_attachments(locked, checked, stored)
            transaction.on_commit(partial(_delete_files, removed))
    except Exception:
        _delete_files(stored)
        raise
    return locked


def _delete_files(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        attachment.file.delete(save=False)
        if attachment.preview:
            attachment.preview.delete(save=False)


def post_delete(*, actor: User, post: Post, request=None) -> None:
    """The author deletes a post: it disappears for everyone (kept for the record)."""
    if not post_rules.can_delete(actor, post):
        raise PermissionDenied(_("You may only delete your own posts."))
    with transaction.atomic():
        updated = Post.objects.filter(pk=post.pk, status=Status.PUBLISHED).update(
            status=Status.DELETED, deleted_at=timezone.now()
        )
        navcounters.access_changed()
        if not updated:
            raise ValidationError(_("This post was already deleted."))
        audit.record("post.deleted", actor=actor, target=post, request=request)
    post.refresh_from_db()


def comment_create(*, actor: User, post: Post, body: str, parent: Comment | None = None) -> Comment:
    """Comment a post, or reply to a comment (replies stay one level deep)."""
    if not is_post_readable_by(actor, post):
        if post.status == Status.DELETED:
            raise ValidationError(_("This post was deleted: it no longer takes comments."))
        raise PermissionDenied(_("You may not comment on this post."))
    _ensure_can_contribute(actor, post.community)
    body = _clean_body(body, settings.RSE_COMMENT_MAX_CHARS)
    ratelimits.ensure_may_comment(actor=actor, community=post.community)
    if parent is not None:
        if parent.post_id != post.pk or not parent.is_published:
            raise ValidationError(_("The comment you answer is no longer there."))
        if parent.parent_id is not None:
            parent = parent.parent
    with transaction.atomic():
        comment = Comment.objects.create(
            post=post, parent=parent, author=actor, body=body, **rendered_fields(body)
        )
        Post.objects.filter(pk=post.pk).update(comments_count=F("comments_count") + 1)
        if post.community is not None:
            record_activity(post.community)
        told: set[int] = set()
        recipients = [(parent.author, "reply")] if parent else []
        recipients.append((post.author, "comment"))
        for recipient, event in recipients:
            if recipient.pk not in told:
                told.add(recipient.pk)
                notify(
                    recipient=recipient,
                    kind="commented",
                    actor=actor,
                    post=post,
                    comment=comment,
                    data={"event": event},
                )
        _mention(actor=actor, post=post, comment=comment, body=body, already=set())
        comment_added.send(sender=Comment, comment=comment)
    return comment


def comment_edit(*, actor: User, comment: Comment, body: str) -> Comment:
    if not post_rules.can_edit(actor, comment):
        raise PermissionDenied(_("You may only edit your own published comments."))
    ensure_charter_accepted(actor)
    body = _clean_body(body, settings.RSE_COMMENT_MAX_CHARS)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().select_related("post").get(pk=comment.pk)
        if locked.status != Status.PUBLISHED:
            raise ValidationError(_("This comment was deleted: it can no longer be edited."))
        already = set(Mention.objects.filter(comment=locked).values_list("user_id", flat=True))
        if locked.body != body:
            Revision.objects.create(
                post=locked.post, comment=locked, body=locked.body, edited_by=actor
            )
            locked.body = body
            locked.edited_at = timezone.now()
            for name, value in rendered_fields(body).items():
                setattr(locked, name, value)
            locked.save(update_fields=["body", "edited_at", "body_html", "body_html_version"])
        _mention(actor=actor, post=locked.post, comment=locked, body=body, already=already)
    return locked


def comment_delete(*, actor: User, comment: Comment, request=None) -> None:
    if not post_rules.can_delete(actor, comment):
        raise PermissionDenied(_("You may only delete your own comments."))
    with transaction.atomic():
        updated = Comment.objects.filter(pk=comment.pk, status=Status.PUBLISHED).update(
            status=Status.DELETED, deleted_at=timezone.now()
        )
        navcounters.access_changed()
        if not updated:
            raise ValidationError(_("This comment was already deleted."))
        Post.objects.filter(pk=comment.post_id, comments_count__gt=0).update(
            comments_count=F("comments_count") - 1
        )
        audit.record("comment.deleted", actor=actor, target=comment, request=request)


def like_toggle(
    *,
    actor: User,
    post: Post | None = None,
    comment: Comment | None = None,
    liked: bool | None = None,
) -> tuple[bool, int]:
    """Like or unlike a post or a comment (once per person). `liked` says the wanted
    state (a double submit then does nothing twice); None switches it.
    Returns (liked, count)."""
    if (post is None) == (comment is None):
        raise ValueError("like_toggle needs a post or a comment")
    target_post = post if post is not None else comment.post  # type: ignore[union-attr]
    if comment is not None:
        if not comments_readable_by(actor).filter(pk=comment.pk).exists():
            raise PermissionDenied(_("You may not like this comment."))
    elif not is_post_readable_by(actor, target_post):
        raise PermissionDenied(_("You may not like this post."))
    _ensure_can_contribute(actor, target_post.community)
    model = Post if comment is None else Comment
    target_pk = (comment or post).pk  # type: ignore[union-attr]
    target: dict[str, Post | Comment | None] = (
        {"post": post} if comment is None else {"comment": comment}
    )
    with transaction.atomic():
        exists = Like.objects.filter(user=actor, **target).exists()
        wanted = (not exists) if liked is None else liked
        if wanted and not exists:
            try:
                with transaction.atomic():
                    Like.objects.create(user=actor, **target)
            except IntegrityError:
                pass  # liked meanwhile (double submit): once is enough
            else:
                model.objects.filter(pk=target_pk).update(likes_count=F("likes_count") + 1)
                author = (comment or post).author  # type: ignore[union-attr]
                notify(
                    recipient=author,
                    kind="liked",
                    actor=actor,
                    post=target_post,
                    comment=comment,
                )
                if target_post.community is not None:
                    record_activity(target_post.community)
        elif not wanted and exists:
            deleted, _rows = Like.objects.filter(user=actor, **target).delete()
            if deleted:
                model.objects.filter(pk=target_pk, likes_count__gt=0).update(
                    likes_count=F("likes_count") - 1
                )
        count = model.objects.values_list("likes_count", flat=True).get(pk=target_pk)
    return wanted, count


def community_follow(*, actor: User, community: Community) -> CommunityFollow:
    """Read a community's posts in one's stream without joining it."""
    if not is_readable_by(actor, community):
        raise PermissionDenied(_("You may only follow a community whose posts you may read."))
    follow, _created = CommunityFollow.objects.get_or_create(user=actor, community=community)
    return follow


def community_unfollow(*, actor: User, community: Community) -> None:
    CommunityFollow.objects.filter(user=actor, community=community).delete()


def tag_follow(*, actor: User, tag: Tag) -> TagFollow:
    follow, _created = TagFollow.objects.get_or_create(user=actor, tag=tag)
    return follow


def tag_unfollow(*, actor: User, tag: Tag) -> None:
    TagFollow.objects.filter(user=actor, tag=tag).delete()
