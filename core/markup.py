"""User and admin text in Markdown, rendered then sanitized on an allow-list (nh3)."""

import re

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
LINK_REL = "noopener noreferrer nofollow"

# Bumped whenever the rendering below changes its output (extensions, allow-list,
# autolinks): texts stored rendered with an older version are rendered again, lazily
# on their next view or by `manage.py rerender_texts` (see posts.rendering).
RENDERER_VERSION = 1

# Markdown's HTML split into tags and text; bare web addresses in the text (outside
# links and code) become links before sanitizing, so nh3 checks them like any other.
_TAGS = re.compile(r"(<[^>]*>)")
_URL = re.compile(r"https?://(?:[^\s<>\"'&]|&amp;)+", re.IGNORECASE)
_NOT_LINKED_IN = {"a", "code", "pre"}
_TRAILING = ".,;:!?)]}*_"


def _link_url(match: re.Match) -> str:
    url = match.group(0)
    end = len(url)
    while end and url[end - 1] in _TRAILING:
        end -= 1
    if url[:end].endswith("&amp"):
        end -= 4
    address, rest = url[:end], url[end:]
    if address.lower() in ("http://", "https://"):
        return url
    return f'<a href="{address}">{address}</a>{rest}'


def sub_in_text(html: str, pattern: re.Pattern, replace) -> str:
    """`pattern` replaced in the text of sanitized `html`, never inside a tag nor in a
    link, code or preformatted block (where a made link would nest or change code)."""
    parts = _TAGS.split(html)
    depth = 0
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in _NOT_LINKED_IN:
                depth += -1 if part.startswith("</") else 1
            continue
        if depth <= 0:
            parts[index] = pattern.sub(replace, part)
    return "".join(parts)


def autolink(html: str) -> str:
    """Bare http(s) addresses in the text of `html` (already escaped) made into links."""
    return sub_in_text(html, _URL, _link_url) if "://" in html else html


def render_markdown(text: str) -> SafeString:
    """HTML that can be shown as is: no script, no event handler, no foreign scheme."""
    return mark_safe(sanitized_html(text or ""))  # noqa: S308 - sanitized by nh3


def sanitized_html(text: str) -> str:
    """The rendering depends on the text alone (no viewer, no database): posts and
    comments keep it with the text, rendered once when written (posts.rendering)."""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        autolink(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
    )
