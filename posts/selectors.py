"""Reads about posts: the one place where "who may read which post" lives.

Streams, tag pages, profiles, search, notifications, e-mails and counts all start
from `posts_readable_by` (DESIGN §3, rules 2 and 7).
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from taggit.models import Tag

from communities.selectors import communities_readable_by

from .models import Comment, CommunityFollow, Like, Post, Revision, Status, TagFollow, TaggedPost


def _is_person(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def posts_readable_by(user, *, statuses: tuple[str, ...] = (Status.PUBLISHED,)) -> QuerySet[Post]:
    """Published posts `user` may read: those of the communities they may read, and,
    for employees, posts on people's profiles (never shown to externals).

    `statuses` widens the set to, say, deleted posts the user could read, so that a
    page can say "this post was deleted" instead of a bare 404."""
    if not _is_person(user):
        return Post.objects.none()
    readable = Q(community__in=communities_readable_by(user).values("pk"))
    if user.kind == "employee" or user.is_superuser:
        readable |= Q(community__isnull=True)
    return Post.objects.filter(readable, status__in=statuses)


def comments_readable_by(user) -> QuerySet[Comment]:
    """Published comments on posts `user` may read."""
    return Comment.objects.filter(
        status=Status.PUBLISHED, post__in=posts_readable_by(user).values("pk")
    )


def is_post_readable_by(user, post: Post) -> bool:
    return posts_readable_by(user).filter(pk=post.pk).exists()


# --- Streams: keyset pagination on (created_at, id), newest first ---------------------


@dataclass
class StreamPage:
    posts: list[Post]
    next_cursor: str | None


def encode_cursor(post: Post) -> str:
    raw = f"{post.created_at.isoformat()}|{post.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The keyset in an opaque cursor, or None when it is missing or not ours."""
    if not cursor or len(cursor) > 100:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.split("|")
        created_at = datetime.fromisoformat(moment)
        if created_at.tzinfo is None:
            return None
        return created_at, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        return None


def with_cards(posts: QuerySet[Post], viewer) -> QuerySet[Post]:
    """What a post card shows, in a fixed number of queries whatever the rows."""
    return (
        posts.select_related("author", "author__profile", "community")
        .prefetch_related(
            Prefetch("tag_links", queryset=TaggedPost.objects.select_related("tag").order_by("id")),
            "attachments",
        )
        .annotate(liked=Exists(Like.objects.filter(user_id=viewer.pk, post=OuterRef("pk"))))
    )


def stream_page(posts: QuerySet[Post], viewer, cursor: str | None = None) -> StreamPage:
    """One page of `posts` (already restricted to readable ones), after `cursor`."""
    size = settings.RSE_STREAM_PAGE_SIZE
    key = decode_cursor(cursor)
    if key is not None:
        created_at, pk = key
        posts = posts.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    rows = list(with_cards(posts, viewer).order_by("-created_at", "-id")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return StreamPage(posts=rows, next_cursor=encode_cursor(rows[-1]) if more and rows else None)


STREAM_FILTERS = ("all", "communities", "people", "tags")


def home_stream(user, which: str = "all") -> QuerySet[Post]:
    """Readable posts from my communities and followed communities, followed people,
    followed tags, and my own — each post once."""
    from communities.models import Membership
    from profiles.models import Follow

    my_communities = Membership.objects.filter(
        user_id=user.pk, status=Membership.Status.ACTIVE
    ).values("community_id")
    followed_communities = CommunityFollow.objects.filter(user_id=user.pk).values("community_id")
    communities = Q(community_id__in=my_communities) | Q(community_id__in=followed_communities)
    people = Q(author_id__in=Follow.objects.filter(follower_id=user.pk).values("followed_id"))
    tags = Q(
        Exists(
            TaggedPost.objects.filter(
                content_object=OuterRef("pk"),
                tag_id__in=TagFollow.objects.filter(user_id=user.pk).values("tag_id"),
            )
        )
    )
    chosen = {"communities": communities, "people": people, "tags": tags}.get(which)
    if chosen is None:
        chosen = communities | people | tags | Q(author_id=user.pk)
    return posts_readable_by(user).filter(chosen)


def tag_posts(user, tag: Tag) -> QuerySet[Post]:
    return posts_readable_by(user).filter(tag_links__tag=tag)


def tags_readable_by(user) -> QuerySet[Tag]:
    """Tags carried by at least one post `user` may read: nothing else is ever named."""
    return Tag.objects.filter(
        Exists(
            TaggedPost.objects.filter(
                tag=OuterRef("pk"), content_object__in=posts_readable_by(user).values("pk")
            )
        )
    )


def get_tag_or_404(user, slug: str) -> Tag:
    tag = tags_readable_by(user).filter(slug=slug).first()
    if tag is None:
        raise Http404
    return tag


def tags_suggested(user, text: str, limit: int = 10) -> list[str]:
    from .tags import normalize_tag, tag_slug

    key = tag_slug(normalize_tag(text))
    if not key:
        return []
    return list(
        tags_readable_by(user)
        .filter(slug__startswith=key)
        .order_by("name")
        .values_list("name", flat=True)[:limit]
    )


def people_suggested(user, text: str, limit: int = 8) -> list[dict]:
    """People the author may see and mention, by name or username prefix."""
    from profiles.selectors import users_visible_to

    text = (text or "").strip().lstrip("@")
    if not text or len(text) > 100:
        return []
    people = (
        users_visible_to(user)
        .filter(is_active=True)
        .filter(
            Q(username__istartswith=text)
            | Q(first_name__istartswith=text)
            | Q(last_name__istartswith=text)
        )
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name", "pk")[:limit]
    )
    return [{"username": p.username, "name": p.get_full_name()} for p in people]


def likers_of(viewer, *, post: Post | None = None, comment: Comment | None = None):
    from profiles.selectors import users_visible_to

    target: dict[str, Post | Comment | None] = (
        {"likes__post": post} if post is not None else {"likes__comment": comment}
    )
    return users_visible_to(viewer).filter(**target).order_by("last_name", "first_name", "pk")


def thread_of(viewer, post: Post) -> list[Comment]:
    """Top-level comments with their replies (`.thread_replies`), liked flags included."""
    comments = list(
        comments_readable_by(viewer)
        .filter(post=post)
        .select_related("author", "author__profile")
        .annotate(liked=Exists(Like.objects.filter(user_id=viewer.pk, comment=OuterRef("pk"))))
        .order_by("created_at", "id")
    )
    for c in comments:
        c.post = post  # the thread's post, already loaded
    top = [c for c in comments if c.parent_id is None]
    by_id = {c.pk: c for c in top}
    for c in top:
        c.thread_replies = []  # type: ignore[attr-defined]
    orphans = []
    for c in comments:
        if c.parent_id is None:
            continue
        parent = by_id.get(c.parent_id)
        if parent is None:
            orphans.append(c)
        else:
            parent.thread_replies.append(c)  # type: ignore[attr-defined]
    # Replies whose comment was deleted stay readable, in the thread's order.
    for c in orphans:
        c.thread_replies = []  # type: ignore[attr-defined]
    return sorted(top + orphans, key=lambda c: (c.created_at, c.pk))


def followed_community_ids(user) -> set[int]:
    return set(
        CommunityFollow.objects.filter(user_id=user.pk).values_list("community_id", flat=True)
    )


def suggestions_for(user, limit: int = 5) -> dict:
    """What a newcomer could follow: communities they may read or join, and people."""
    from communities.models import Community, Membership
    from communities.selectors import communities_discoverable_by
    from profiles.models import Follow
    from profiles.selectors import users_visible_to

    mine = Membership.objects.filter(
        user_id=user.pk, status__in=[Membership.Status.ACTIVE, Membership.Status.BANNED]
    ).values("community_id")
    communities = list(
        communities_discoverable_by(user)
        .exclude(pk__in=mine)
        .exclude(pk__in=CommunityFollow.objects.filter(user_id=user.pk).values("community_id"))
        .exclude(state=Community.State.ARCHIVED)
        .order_by("-members_count", "name")[:limit]
    )
    people = []
    if user.kind == "employee":
        people = list(
            users_visible_to(user)
            .filter(is_active=True)
            .exclude(pk=user.pk)
            .exclude(pk__in=Follow.objects.filter(follower_id=user.pk).values("followed_id"))
            .select_related("profile")
            .order_by("-profile__followers_count", "last_name", "pk")[:limit]
        )
    return {"communities": communities, "people": people}


def revisions_of(post: Post) -> list[Revision]:
    """Earlier versions of the post itself, newest first (for moderators)."""
    return list(post.revisions.filter(comment=None).select_related("edited_by"))


def attach_comment_revisions(post: Post, comments: list[Comment]) -> None:
    """Give each comment of the thread its earlier versions (`.earlier`), in one query."""
    by_comment: dict[int, list[Revision]] = {}
    for revision in post.revisions.exclude(comment=None).select_related("edited_by"):
        by_comment.setdefault(revision.comment_id, []).append(revision)  # type: ignore[arg-type]
    for comment in comments:
        comment.earlier = by_comment.get(comment.pk, [])  # type: ignore[attr-defined]
        for reply in comment.thread_replies:  # type: ignore[attr-defined]
            reply.earlier = by_comment.get(reply.pk, [])
