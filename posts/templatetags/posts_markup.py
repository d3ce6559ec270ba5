"""`{{ post|rendered }}`: a post's or comment's stored HTML (posts.rendering), rendered
again only when the renderer changed. `{{ text|post_markdown }}`: any text rendered
now the same way (previews, earlier versions), with @mentions turned into links to
the person's profile (which answers 404 to whoever may not see them, so a link
reveals nothing the text did not already say)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..rendering import body_html, render_body

register = template.Library()


@register.filter
def post_markdown(text: str) -> SafeString:
    return mark_safe(render_body(text))  # noqa: S308 - sanitized HTML; only our links added


@register.filter
def rendered(item) -> SafeString:
    return body_html(item)
