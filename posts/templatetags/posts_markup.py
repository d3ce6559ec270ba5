"""`{{ text|post_markdown }}`: the sanitized Markdown of core.markup, with @mentions
turned into links to the person's profile (which answers 404 to whoever may not see
them, so a link reveals nothing the text did not already say)."""

import re

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.markup import render_markdown

from ..services import MENTION_RE

register = template.Library()
TAG_RE = re.compile(r"(<[^>]*>)")
SKIP = {"a", "code", "pre"}


def _link(match: re.Match) -> str:
    username = match.group(1).rstrip(".-+")
    rest = match.group(1)[len(username) :]
    url = reverse("people:detail", args=[username])
    return f'<a href="{escape(url)}" class="mention">@{escape(username)}</a>{escape(rest)}'


@register.filter
def post_markdown(text: str) -> SafeString:
    html = str(render_markdown(text))
    parts = TAG_RE.split(html)
    depth = 0
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in SKIP:
                depth += -1 if part.startswith("</") else 1
            continue
        if depth == 0 and "@" in part:
            parts[index] = MENTION_RE.sub(_link, part)
    return mark_safe("".join(parts))  # noqa: S308 - sanitized HTML; only our links added
