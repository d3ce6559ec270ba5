"""Notifications gathered by item and kind: "Alice Martin and 7 others liked your post
“Kick-off of…”". A page of the inbox is read as rows (`selectors.inbox_page`), then
the rows about the same item and of the same kind become one group, shown where its
newest row stands. Only what happens many times to one thing is gathered (likes,
comments, mentions); every other kind stays one row, one sentence.
"""

from dataclasses import dataclass, field

from django.utils.text import Truncator

from .models import Kind, Notification

GROUPED_KINDS = frozenset({Kind.LIKED, Kind.COMMENTED, Kind.MENTIONED})
# The words of the post quoted in a sentence, and under it.
EXCERPT_WORDS = 8
EXCERPT_CHARS = 140


def group_key(n: Notification) -> tuple:
    """What makes two notifications "the same news": a like on the same post (or on
    the same comment), comments and replies on the same post, mentions in the same
    post (or its comments). Anything else is a group of its own."""
    if n.kind not in GROUPED_KINDS or n.post_id is None:
        return ("one", n.pk)
    if n.kind == Kind.LIKED:
        return (n.kind, n.post_id, n.comment_id)
    if n.kind == Kind.COMMENTED:
        return (n.kind, n.post_id, (n.data or {}).get("event", "comment"))
    return (n.kind, n.post_id)


@dataclass
class Group:
    items: list[Notification] = field(default_factory=list)  # newest first

    @property
    def newest(self) -> Notification:
        return self.items[0]

    @property
    def pk(self) -> int:
        return self.newest.pk

    @property
    def kind(self) -> str:
        return self.newest.kind

    @property
    def is_unread(self) -> bool:
        return any(n.is_unread for n in self.items)

    @property
    def created_at(self):
        return self.newest.created_at

    @property
    def actors(self) -> list:
        """Who did it, newest first, each once."""
        seen: dict[int, object] = {}
        for n in self.items:
            if n.actor_id is not None and n.actor_id not in seen:
                seen[n.actor_id] = n.actor
        return list(seen.values())

    @property
    def actor(self):
        return self.newest.actor

    @property
    def others(self) -> int:
        """How many people besides the newest one."""
        return max(len(self.actors) - 1, 0)

    @property
    def is_many(self) -> bool:
        return len(self.items) > 1

    @property
    def excerpt(self) -> str:
        """The start of the post (or comment) the news is about, plain text."""
        n = self.newest
        source = n.comment if n.comment_id is not None and n.kind == Kind.LIKED else n.post
        body = getattr(source, "body", "") or ""
        return Truncator(" ".join(body.split())).chars(EXCERPT_CHARS)

    @property
    def title(self) -> str:
        """The first words of the post, for the sentence ("your post “Kick-off of…”")."""
        n = self.newest
        source = n.comment if n.comment_id is not None and n.kind == Kind.LIKED else n.post
        body = getattr(source, "body", "") or ""
        return Truncator(" ".join(body.split())).words(EXCERPT_WORDS, truncate="…")


def group(rows: list[Notification]) -> list[Group]:
    """`rows` (newest first) gathered by `group_key`, each group where its newest row
    stands."""
    groups: dict[tuple, Group] = {}
    for n in rows:
        groups.setdefault(group_key(n), Group()).items.append(n)
    return list(groups.values())


def same_news_ids(n: Notification) -> list[int]:
    """Ids of the unread rows of `n`'s recipient that are the same news as `n` (opening
    or marking one group read marks all its rows), `n` included. One query."""
    key = group_key(n)
    if key[0] == "one" or n.post_id is None:
        return [n.pk]
    candidates = Notification.objects.filter(
        recipient_id=n.recipient_id, kind=n.kind, post_id=n.post_id, read_at__isnull=True
    ).only("pk", "kind", "post_id", "comment_id", "data")
    return [n.pk] + [c.pk for c in candidates if c.pk != n.pk and group_key(c) == key]
