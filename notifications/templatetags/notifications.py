from django import template
from django.utils.safestring import SafeString

from ..models import Notification
from ..rendering import render_group, render_notification

register = template.Library()


@register.simple_tag(takes_context=True)
def notification(context, n: Notification, base_url: str | None = None) -> SafeString:
    """`{% notification n %}`: the sentence of one notification, through the template
    of its kind (or the generic one)."""
    if base_url is None:
        base_url = context.get("base_url", "")
    return render_notification(n, base_url)


@register.simple_tag
def notification_group(g) -> SafeString:
    """`{% notification_group g %}`: the sentence of a group of notifications."""
    return render_group(g)
