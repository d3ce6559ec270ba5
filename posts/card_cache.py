"""A post card's HTML, drawn once and kept in the cache for every reader of the post.

A card (posts/_card.html) is the same for all its readers but for four slots: the menu
(edit and delete, or report: the reader's rights), the quote of a shared post (shown
only to those who may read the original), the like button (liked or not) and the reply
form (charter accepted, CSRF token, the page's address). The rest is drawn without any
reader — no user, no request, no context processor in its context — with the slots left
as markers, and cached under a key made of everything it shows: the post (text, times,
counters, community, author's name, badges and photo version, its question, event or
idea, attachments, tags, two latest comments and their authors), the relative times as
they read now ("3 hours ago"), the language, the time zone, the address prefix, the
renderer's version and the templates' own text. A change to any of them is a new key:
nothing has to be invalidated and nothing stale is shown; old keys expire
(RSE_CARD_CACHE_SECONDS).

Access: the cache is never asked which posts a reader may see. It is read only for the
posts that a stream (`posts_readable_by`, the access core) has just selected for this
reader, so a reader who lost access to a post never reaches its card; what the card
holds is what any reader of that post sees (DESIGN §3: every published comment of a
readable post is readable).
"""

from dataclasses import astuple
from functools import cache
from hashlib import blake2b
from typing import Any

from django.conf import settings
from django.core.cache import cache as django_cache
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from .models import Post
from .rendering import BODY_HTML_VERSION
from .templatetags.post_cards import relative_time

SLOT = "<!--rse-card-slot-->"
SLOTS = 4  # menu, quote, like, reply: posts/_post.html puts the reader's parts there
# Bumped when the Python behind a card changes its output (filters, this module).
CARD_VERSION = 1
# The templates a shared card is drawn from: their text is part of every key.
TEMPLATES = (
    "posts/_card.html",
    "posts/_face.html",
    "profiles/_badges.html",
    "questions/_card.html",
    "questions/_status.html",
    "events/_card.html",
    "events/_when.html",
    "events/_summary.html",
    "ideas/_card.html",
    "ideas/_status.html",
)


def _digest_of_templates() -> str:
    digest = blake2b(digest_size=8)
    for name in TEMPLATES:
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    return digest.hexdigest()


_digest_once = cache(_digest_of_templates)


def _templates_digest() -> str:
    """Read once per process (templates change with a deployment, which restarts it);
    in development (DEBUG) on every page, so that an edited template shows at once."""
    return _digest_of_templates() if settings.DEBUG else _digest_once()


def _row(obj) -> tuple | None:
    """Every stored field of a related row (a question, an event, an attachment)."""
    if obj is None:
        return None
    return tuple(getattr(obj, field.attname) for field in obj._meta.concrete_fields)


def _related(obj: Any, name: str) -> Any:
    try:
        return getattr(obj, name, None)
    except AttributeError:  # a missing one-to-one row
        return None


def card_key(post: Post) -> str:
    """The cache key of a post's shared card: a digest of everything it shows."""
    author = post.author
    profile = _related(author, "profile")
    community = post.community
    event = _related(post, "event")
    shown = (
        CARD_VERSION,
        BODY_HTML_VERSION,
        _templates_digest(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        (post.pk, post.body, post.status, post.created_at, post.edited_at),
        (post.edited_by_moderator, post.comments_count, post.shared_id),
        (relative_time(post.created_at), relative_time(post.edited_at)),
        (author.username, author.first_name, author.last_name, author.kind),
        (author.organisation, author.is_active),
        (profile.photo.name, profile.updated_at) if profile is not None else None,
        (community.slug, community.name) if community is not None else None,
        _row(_related(post, "question")),
        (_row(event), event.is_past) if event is not None else None,
        _row(_related(post, "idea")),
        [_row(attachment) for attachment in post.attachments.all()],
        [(link.pk, link.name, link.tag.slug, link.tag.name) for link in post.tag_links.all()],
        [
            (c.pk, c.body, c.created_at, relative_time(c.created_at), astuple(c.author))
            for c in getattr(post, "latest_comments", [])
        ],
    )
    digest = blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"rse:card:{post.pk}:{digest}"


def draw_shared(post: Post) -> str:
    """The card of `post` as every reader sees it, the reader's parts left as slots."""
    return render_to_string("posts/_card.html", {"post": post, "card_shared": True})


def prepare_cards(posts: list[Post]) -> None:
    """Give each post of a stream page (already selected for this reader by the access
    core) its shared card in parts (`.card_parts`), from the cache in one round trip,
    drawing and storing the missing ones. posts/_post.html puts the reader's parts
    between them; a post without parts is drawn whole, as before."""
    seconds = settings.RSE_CARD_CACHE_SECONDS
    if not seconds or not posts:
        return
    keys = {post.pk: card_key(post) for post in posts}
    found = django_cache.get_many(list(keys.values()))
    drawn: dict[str, str] = {}
    for post in posts:
        key = keys[post.pk]
        html = found.get(key)
        if not isinstance(html, str):
            html = drawn[key] = draw_shared(post)
        parts = html.split(SLOT)
        if len(parts) == SLOTS + 1:  # otherwise drawn whole: never stitched wrong
            post.card_parts = [mark_safe(part) for part in parts]  # type: ignore[attr-defined]  # noqa: S308 - drawn by our template, escaped there
    if drawn:
        django_cache.set_many(drawn, seconds)
