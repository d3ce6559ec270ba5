"""User and admin text in Markdown, rendered then sanitized on an allow-list (nh3)."""

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """HTML that can be shown as is: no script, no event handler, no foreign scheme."""
    return mark_safe(_sanitized_html(text or ""))  # noqa: S308 - sanitized by nh3


@lru_cache(maxsize=2048)
def _sanitized_html(text: str) -> str:
    """The rendering depends on the text alone (no viewer, no database), so each worker
    keeps the most recent ones: a thread of 50 comments is not parsed again on every
    view. An edited text is a new key; nothing stale can be shown."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
