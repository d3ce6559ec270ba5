"""What a post card shows besides the post: its author's face and name, and its two
latest comments, read in the same query as the posts (JSON subqueries, no N+1)."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import (
    Comment,
    Post,
    Status,
)


@dataclass
class CardAuthor:
    """What a card shows of a comment's author (read with the post, not as a User)."""

    username: str
    first_name: str
    last_name: str
    kind: str
    organisation: str
    is_active: bool
    photo: str
    photo_version: datetime | None

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_external(self) -> bool:
        return self.kind == "external"

    @property
    def profile(self) -> "CardAuthor":  # the photo fields, where templates look for them
        return self

    @property
    def updated_at(self) -> datetime | None:
        return self.photo_version


@dataclass
class CardComment:
    pk: int
    body: str
    created_at: datetime
    author: CardAuthor
    # The stored rendering (posts.rendering): rendered again if older than the renderer.
    body_html: str = ""
    body_html_version: int | None = None


LATEST_COMMENTS = 2
_COMMENT_FIELDS = {
    "pk": "pk",
    "body": "body",
    "html": "body_html",
    "html_v": "body_html_version",
    "at": "created_at",
    "username": "author__username",
    "first_name": "author__first_name",
    "last_name": "author__last_name",
    "kind": "author__kind",
    "organisation": "author__organisation",
    "active": "author__is_active",
    "photo": "author__profile__photo",
    "photo_at": "author__profile__updated_at",
}


def with_latest_comments(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Annotate each post with its latest published comments (`_latest_0`, `_latest_1`:
    one JSON object each, newest first), read in the same query as the posts: a card
    shows them without one more query per page, let alone per post.

    Every published comment of a readable post is readable (`comments_readable_by`):
    `posts` being readable, only the status is left to check."""
    latest = Comment.objects.filter(post=OuterRef("pk"), status=Status.PUBLISHED).order_by(
        "-created_at", "-id"
    )
    data = JSONObject(**_COMMENT_FIELDS)
    return posts.annotate(
        **{
            f"_latest_{n}": Subquery(latest.values_list(data)[n : n + 1])
            for n in range(LATEST_COMMENTS)
        }
    )


def _moment(value) -> datetime | None:
    if not value:
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def _card_comment(data) -> CardComment | None:
    if isinstance(data, str):  # a backend that hands JSON over as text
        data = json.loads(data)
    if not data:
        return None
    return CardComment(
        pk=data["pk"],
        body=data["body"],
        body_html=data.get("html") or "",
        body_html_version=data.get("html_v"),
        created_at=_moment(data["at"]),  # type: ignore[arg-type]
        author=CardAuthor(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            kind=data["kind"],
            organisation=data["organisation"] or "",
            is_active=bool(data["active"]),
            photo=data["photo"] or "",
            photo_version=_moment(data["photo_at"]),
        ),
    )


def attach_latest_comments(posts: list[Post]) -> None:
    """`.latest_comments` (oldest first) from the annotations of `with_latest_comments`."""
    for post in posts:
        found = [_card_comment(getattr(post, f"_latest_{n}", None)) for n in range(LATEST_COMMENTS)]
        post.latest_comments = [c for c in reversed(found) if c is not None]  # type: ignore[attr-defined]
