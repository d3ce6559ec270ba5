"""Rendering of one notification: the template of its kind, or the generic one.

Each kind is displayed by `notifications/kinds/<kind>.html` (context: `n` the
notification, `base_url` "" in the app or the site's address in e-mails), a one-
sentence HTML fragment with a link. A kind whose template is missing falls back to
`notifications/kinds/_generic.html` (the kind's label and a link).
"""

import html
import re
from urllib.parse import urlencode

from django.template.loader import select_template
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from .models import Kind, Notification

GENERIC_TEMPLATE = "notifications/kinds/_generic.html"


def kind_templates(kind: str) -> list[str]:
    names = [f"notifications/kinds/{kind}.html"] if kind in Kind.values else []
    return [*names, GENERIC_TEMPLATE]


# A link to a page of this site, in a rendered sentence (not "//host/…").
LOCAL_LINK = re.compile(r'href="(/(?!/)[^"]*)"')


def render_notification(n: Notification, base_url: str = "") -> SafeString:
    """The HTML sentence of `n` (auto-escaped by its template). In the app, every link
    goes through the notification's "open" link, so following it marks it read."""
    template = select_template(kind_templates(n.kind))
    fragment = template.render({"n": n, "base_url": base_url}).strip()
    if not base_url:
        fragment = _through_open_link(n, fragment)
    return mark_safe(fragment)  # noqa: S308


def render_group(g, base_url: str = "") -> SafeString:
    """The sentence of a group of notifications (`notifications.grouping.Group`): one
    row's own sentence, or the group's ("Alice Martin and 7 others liked…")."""
    if not g.is_many:
        return render_notification(g.newest, base_url)
    template = select_template([f"notifications/groups/{g.kind}.html"])
    fragment = template.render({"g": g, "base_url": base_url}).strip()
    if not base_url:
        fragment = _through_open_link(g.newest, fragment)
    return mark_safe(fragment)  # noqa: S308


def _through_open_link(n: Notification, fragment: str) -> str:
    own = n.get_absolute_url()

    def route(match: re.Match) -> str:
        target = html.unescape(match.group(1))
        if target.split("?")[0] == own:
            return match.group(0)
        return f'href="{html.escape(own + "?" + urlencode({"to": target}))}"'

    return LOCAL_LINK.sub(route, fragment)


def as_text(fragment: str) -> str:
    """The same sentence as plain text (for e-mail bodies and subjects)."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(fragment))).strip()
