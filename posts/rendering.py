"""A post's or a comment's text as HTML, rendered once when it is written.

The HTML (core.markup's sanitized Markdown, with @mentions made links) is stored with
the text, in `body_html`, with the version of the renderer that made it
(`body_html_version`). Pages show the stored HTML; a row rendered by an older renderer,
or never rendered (rows older than these fields, bulk loads), is rendered on its next
view and stored then (one UPDATE, once), or by `manage.py rerender_texts`.

The rendering depends on the text alone: never on the reader, nor on the database. A
mention is a link to the profile of the handle as written (`@jdoe`), whether or not
such a person exists or may be seen: the profile answers 404 to whoever may not see
it, and the link's text is what the author typed, so the stored HTML shows every
reader exactly what the text already said (no name, no existence).
"""

import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.markup import RENDERER_VERSION, sanitized_html, sub_in_text

from .models import Comment, Post

# Bumped when the mention links below change their output.
MENTIONS_VERSION = 1
# What `body_html_version` holds for HTML made by the renderer of today.
BODY_HTML_VERSION = RENDERER_VERSION * 100 + MENTIONS_VERSION

# @handles: linked here, resolved to people by posts.services (mentions, notices).
MENTION_RE = re.compile(r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.+-]{0,149})")


def _link(match: re.Match) -> str:
    username = match.group(1).rstrip(".-+")
    rest = match.group(1)[len(username) :]
    url = reverse("people:detail", args=[username])
    return f'<a href="{escape(url)}" class="mention">@{escape(username)}</a>{escape(rest)}'


def link_mentions(html: str) -> str:
    """@handles in the text of sanitized `html` (outside links and code) made links."""
    return sub_in_text(html, MENTION_RE, _link) if "@" in html else html


def render_body(text: str) -> str:
    """The HTML of a post's or comment's text: sanitized, our mention links added."""
    return link_mentions(sanitized_html(text or ""))


def rendered_fields(text: str) -> dict:
    """The stored rendering of `text`: for `create(**…)`, `update(**…)` or assignment."""
    return {"body_html": render_body(text), "body_html_version": BODY_HTML_VERSION}


def body_html(item) -> SafeString:
    """The HTML of a post or comment (or a card's comment), from what is stored when it
    is current; otherwise rendered now and stored for the next views. The write-back
    only touches a row that still holds this text and an older rendering: an edit made
    meanwhile (which stored its own) is never overwritten."""
    if item.body_html_version == BODY_HTML_VERSION and item.body_html is not None:
        return mark_safe(item.body_html)  # noqa: S308 - sanitized when stored
    fields = rendered_fields(item.body)
    if item.pk is not None:
        model = Post if isinstance(item, Post) else Comment
        model.objects.filter(pk=item.pk, body=item.body).exclude(
            body_html_version=BODY_HTML_VERSION
        ).update(**fields)
    item.body_html, item.body_html_version = fields["body_html"], BODY_HTML_VERSION
    return mark_safe(item.body_html)  # noqa: S308 - sanitized by core.markup


def texts_rerender(
    *,
    model: type[Post] | type[Comment],
    batch_size: int = 500,
    everything: bool = False,
    after: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Render again the texts of `model` stored with another renderer version (or never
    rendered; `everything`: all of them), in order of id from `after`, `batch_size` rows
    a transaction (rows locked while rendered: an edit waits, never gets overwritten).
    Resumable: killed half-way, it starts again where the stale rows begin (or from
    `after`). `progress(done, last_id)` after each batch. Returns the rows rendered."""
    done, last = 0, after
    while True:
        with transaction.atomic():
            rows = model.objects.filter(pk__gt=last)
            if not everything:
                rows = rows.exclude(body_html_version=BODY_HTML_VERSION)
            batch: list[Any] = list(
                rows.select_for_update().order_by("pk").only("pk", "body")[:batch_size]
            )
            if not batch:
                return done
            for item in batch:
                item.body_html = render_body(item.body)
                item.body_html_version = BODY_HTML_VERSION
            model.objects.bulk_update(batch, ["body_html", "body_html_version"])
        done += len(batch)
        last = batch[-1].pk
        if progress is not None:
            progress(done, last)
