"""Reads about posts: the one place where "who may read which post" lives.

Streams, tag pages, profiles, search, notifications, e-mails and counts all start
from `posts_readable_by` (DESIGN §3, rules 2 and 7).
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from taggit.models import Tag

from access.communities import communities_discoverable_by, communities_readable_by
from access.people import users_visible_to
from access.posts import (
    comments_readable_by,
    posts_readable_by,
    shared_post_readable,
    tags_readable_by,
)
from access.viewer import as_viewer
from communities.models import Community, Membership
from profiles.models import Follow, Profile

from .cards import attach_latest_comments, with_latest_comments
from .models import (
    Comment,
    CommunityFollow,
    Like,
    Post,
    Revision,
    TagFollow,
    TaggedPost,
)
from .tags import normalize_tag, tag_slug

# --- Questions: the states their lists and search filter on ----------------------------

# A question is a post with a one-to-one `question` row (the questions app, above this
# one). Its states are defined here, by the database relation alone, so that the
# questions pages and search (siblings that may not import each other) filter alike.
QUESTION_STATES = ("all", "unanswered", "resolved")


def asked_as_questions(posts: QuerySet[Post], state: str = "all") -> QuerySet[Post]:
    """The posts among `posts` asked as questions, in `state`: "unanswered", no answer
    accepted and no published comment yet (`comments_count` counts the published ones);
    "resolved", an answer accepted (even if it was erased since); "all", any question.
    A filter on the same rows, never an extra query."""
    posts = posts.filter(question__isnull=False)
    if state == "resolved":
        return posts.filter(question__resolved_at__isnull=False)
    if state == "unanswered":
        return posts.filter(question__resolved_at__isnull=True, comments_count=0)
    return posts


# --- Streams: keyset pagination on (created_at, id), newest first ---------------------


@dataclass
class StreamPage:
    posts: list[Post]
    next_cursor: str | None


@dataclass(frozen=True)
class Source:
    """A part of a stream, paged on its own index. `at` names the publication time it
    is ordered by: the post's own, or the copy kept by the links of a tag (whose index
    lists a tag's posts newest first)."""

    posts: QuerySet[Post]
    at: str = "created_at"


def tag_source(posts: QuerySet[Post], tag_id: int) -> Source:
    """The posts among `posts` that carry the tag, read through the tag's links."""
    tagged = posts.filter(tag_links__tag_id=tag_id).alias(_at=F("tag_links__created_at"))
    return Source(tagged, at="_at")


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
        # "question", "event", "idea": what their cards show (the apps of those names).
        posts.select_related(
            "author",
            "author__profile",
            "community",
            "question",
            "event",
            "idea",
            "shared",
            "shared__author",
            "shared__author__profile",
            "shared__community",
        )
        .prefetch_related(
            Prefetch("tag_links", queryset=TaggedPost.objects.select_related("tag").order_by("id")),
            "attachments",
        )
        .annotate(
            liked=Exists(Like.objects.filter(user_id=viewer.pk, post=OuterRef("pk"))),
            # A share's quote shows only to those who may read the original.
            shared_readable=shared_post_readable(viewer),
        )
    )


def _after(
    posts: QuerySet[Post], key: tuple[datetime, int] | None, at: str = "created_at"
) -> QuerySet[Post]:
    if key is None:
        return posts
    created_at, pk = key
    return posts.filter(Q(**{f"{at}__lt": created_at}) | Q(**{at: created_at, "pk__lt": pk}))


def stream_page(
    posts: QuerySet[Post],
    viewer,
    cursor: str | None = None,
    sources: list[Source] | None = None,
) -> StreamPage:
    """One page of `posts` (already restricted to readable ones), after `cursor`.

    `sources`, when given, are parts whose union is the stream (the home stream's
    communities, people, tags...), each within `posts`: the next rows of each are read
    on its own index, LIMITed, and the page is taken among those few candidates, still
    filtered by `posts` (at least the reading rule). The newest rows of a union are
    among the newest rows of its parts, so the page is the same as reading the stream
    whole — without walking the whole post index when the sources are sparse (a
    newcomer) or large (a popular tag)."""
    size = settings.RSE_STREAM_PAGE_SIZE
    key = decode_cursor(cursor)
    posts = _after(posts, key)
    if sources:
        parts = [
            _after(source.posts, key, source.at)
            .order_by(f"-{source.at}", "-id")
            .values_list("pk", flat=True)[: size + 1]
            for source in sources
        ]
        if len(parts) == 1:
            candidates = parts[0]
        elif connection.features.supports_slicing_ordering_in_compound:
            candidates = parts[0].union(*parts[1:], all=True)
        else:  # SQLite: the LIMITed parts as subqueries, still one query
            either = Q()
            for part in parts:
                either |= Q(pk__in=part)
            candidates = Post.objects.filter(either).values_list("pk", flat=True)
        posts = posts.filter(pk__in=set(candidates))
    rows = list(
        with_latest_comments(with_cards(posts, viewer)).order_by("-created_at", "-id")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    attach_latest_comments(rows)
    return StreamPage(posts=rows, next_cursor=encode_cursor(rows[-1]) if more and rows else None)


STREAM_FILTERS = ("all", "communities", "people", "tags")


def home_sources(user, which: str = "all") -> list[Source]:
    """Sources whose union is the home stream (`which` part of it) (for
    `stream_page(..., sources=...)`), with the user's communities, people and tags read
    first as plain lists, so that each part walks its own index: the posts of a few
    communities or people are found directly, not by filtering the whole post index.

    Every part is `posts_readable_by(user)`, given the readable communities as a list
    read in the same query as the sources."""

    def ids(kind: str, queryset, field: str = "pk") -> QuerySet:
        return queryset.order_by().annotate(kind=Value(kind)).values_list("kind", field)

    mine = Membership.objects.filter(user_id=user.pk, status=Membership.Status.ACTIVE)
    followed = CommunityFollow.objects.filter(user_id=user.pk)
    found: dict[str, list[int]] = {"readable": [], "communities": [], "people": [], "tags": []}
    rows = ids("readable", communities_readable_by(user).order_by()).union(
        ids(
            "communities",
            Community.objects.filter(
                Q(pk__in=mine.values("community_id")) | Q(pk__in=followed.values("community_id"))
            ),
        ),
        ids("people", Follow.objects.filter(follower_id=user.pk), "followed_id"),
        ids("tags", TagFollow.objects.filter(user_id=user.pk), "tag_id"),
        all=True,
    )
    for kind, pk in rows:
        found[kind].append(pk)
    readable = posts_readable_by(user, readable_community_ids=found["readable"])
    parts: dict[str, Source] = {"mine": Source(readable.filter(author_id=user.pk))}
    communities = set(found["communities"]) & set(found["readable"])
    if communities:
        parts["communities"] = Source(readable.filter(community_id__any=sorted(communities)))
    if found["people"]:
        parts["people"] = Source(readable.filter(author_id__any=found["people"]))
    # One part per followed tag, read newest first through the tag's links.
    tags = [tag_source(readable, tag_id) for tag_id in found["tags"]]
    nothing = [Source(Post.objects.none())]
    if which == "tags":
        return tags or nothing
    if which in ("communities", "people"):
        return [parts[which]] if which in parts else nothing
    return [*parts.values(), *tags]


# The lists at the sides of the home stream (my communities, tags) show this many.
SIDE_LIST_SIZE = 12


def tags_of_page(posts: list[Post], limit: int = 8) -> list[tuple[str, str]]:
    """(slug, name) of the tags most carried by the posts of a stream page, read from
    what the cards already loaded (no query): readable, since their posts are."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for post in posts:
        for link in post.tag_links.all():
            counts[link.tag.slug] = counts.get(link.tag.slug, 0) + 1
            names.setdefault(link.tag.slug, link.name or link.tag.name)
    ranked = sorted(counts, key=lambda slug: (-counts[slug], slug))[:limit]
    return [(slug, names[slug]) for slug in ranked]


# The "N new posts" banner stops counting there ("99+").
FRESH_CAP = 99


def stream_fresh_count(
    who,
    *,
    after: int,
    since: datetime | None = None,
    community_slug: str = "",
    which: str = "all",
    cap: int = FRESH_CAP,
) -> int:
    """How many posts of a stream arrived after the post `after` (by others), counted up
    to cap + 1 in one query: the home stream (`which` part of it) or, with
    `community_slug`, a community's. Posts only the readable ones (a community the
    viewer may not read counts 0, like one that does not exist). Cheap: the post
    index is walked from `after` on, and the viewer's communities, follows and tags
    are subqueries of that same query."""
    viewer = as_viewer(who)
    user = viewer.user
    fresh = posts_readable_by(viewer).filter(pk__gt=after).exclude(author_id=user.pk)
    if since is not None:  # and published after the newest one shown
        fresh = fresh.filter(created_at__gt=since)
    if community_slug:
        fresh = fresh.filter(community__slug=community_slug)
    else:
        mine = Membership.objects.filter(user_id=user.pk, status=Membership.Status.ACTIVE).values(
            "community_id"
        )
        followed = CommunityFollow.objects.filter(user_id=user.pk).values("community_id")
        people = Follow.objects.filter(follower_id=user.pk).values("followed_id")
        tags = Exists(
            TaggedPost.objects.filter(
                content_object_id=OuterRef("pk"),
                tag_id__in=TagFollow.objects.filter(user_id=user.pk).values("tag_id"),
            )
        )
        parts: dict[str, Q | Exists] = {
            "communities": Q(community_id__in=mine) | Q(community_id__in=followed),
            "people": Q(author_id__in=people),
            "tags": tags,
        }
        if which in parts:
            fresh = fresh.filter(parts[which])
        else:
            fresh = fresh.filter(Q(parts["communities"]) | Q(parts["people"]) | Q(tags))
    return fresh.order_by()[: cap + 1].count()


def tag_posts(user, tag: Tag) -> QuerySet[Post]:
    return posts_readable_by(user).filter(tag_links__tag=tag)


def tag_sources(user, tag: Tag) -> list[Source]:
    """`tag_posts` as a source read through the tag's links (see `stream_page`)."""
    return [tag_source(posts_readable_by(user), tag.pk)]


def tags_suggested(user, text: str, limit: int = 10) -> list[str]:

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


def suggestions_for(who, limit: int = 5) -> dict:
    """What a newcomer could follow: communities they may read or join, and people."""
    viewer = as_viewer(who)
    user = viewer.user

    mine = Membership.objects.filter(
        user_id=user.pk, status__in=[Membership.Status.ACTIVE, Membership.Status.BANNED]
    ).values("community_id")
    communities = list(
        communities_discoverable_by(viewer)
        .exclude(pk__in=mine)
        .exclude(pk__in=CommunityFollow.objects.filter(user_id=user.pk).values("community_id"))
        .exclude(state=Community.State.ARCHIVED)
        .order_by("-members_count", "name")[:limit]
    )
    people = []
    if viewer.is_employee:
        candidates = (
            users_visible_to(viewer)
            .filter(is_active=True)
            .exclude(pk=user.pk)
            .exclude(pk__in=Follow.objects.filter(follower_id=user.pk).values("followed_id"))
            .select_related("profile")
            .order_by("-profile__followers_count", "last_name", "pk")
        )
        # The most followed profiles, read on their index, hold the answer unless the
        # viewer already follows (or may not see) almost all of them: then the full
        # ordering runs. Same people, same order, without sorting every profile.
        popular = Profile.objects.order_by("-followers_count", "user__last_name", "user_id")
        window = limit * 20
        people = list(candidates.filter(pk__in=popular.values("user_id")[:window])[:limit])
        if len(people) < limit:
            people = list(candidates[:limit])
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
