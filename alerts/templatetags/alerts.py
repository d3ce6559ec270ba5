"""Pinned posts and announcements on the pages of the layers below (the community page,
the home page, a post's page), which cannot import the alerts app: their templates
load these tags. Showing an announcement records that the person saw it (one receipt,
through the service)."""

from django import template

from .. import announcements, permissions, push, selectors

register = template.Library()


@register.inclusion_tag("alerts/_pinned.html", takes_context=True)
def pinned_posts(context, community=None):
    request = context.get("request")
    viewer = getattr(request, "viewer", None)
    if viewer is None or not viewer.is_person:
        return {"pins": []}
    pins = selectors.live_pins(viewer, community)
    unseen = [pin for pin in pins if pin.is_announcement and not pin.seen]
    if unseen:
        announcements.receipts_record(user=viewer.user, pins=unseen)
    for pin in pins:
        pin.may_see_reach = pin.is_announcement and permissions.can_see_reach(viewer, pin)
    return {"pins": pins, "request": request}


@register.inclusion_tag("alerts/_pin_controls.html", takes_context=True)
def pin_controls(context, post):
    """On a post's page: pinned or announced (with its reach for those who may see it,
    and the button to lift it), or the link to announce or pin it."""
    request = context.get("request")
    viewer = getattr(request, "viewer", None)
    if viewer is None or not viewer.is_person:
        return {}
    pin = selectors.live_pin_of(post)
    may_change = permissions.can_announce(viewer, post) or permissions.can_pin(viewer, post)
    return {
        "post": post,
        "pin": pin,
        "may_change": may_change,
        "may_see_reach": pin is not None
        and pin.is_announcement
        and permissions.can_see_reach(viewer, pin),
        "request": request,
    }


@register.inclusion_tag("alerts/_settings.html", takes_context=True)
def alert_settings(context):
    """The alert forms of the notification settings page: the refused one as it was
    typed (from the alerts views), the others as saved."""
    from django.conf import settings

    from ..forms import PushKindsForm
    from ..models import PushSubscription
    from ..views import hours_form, levels_form

    request = context.get("request")
    user = request.user
    return {
        "levels_form": context.get("levels_form") or levels_form(user),
        "hours_form": context.get("hours_form") or hours_form(user),
        "push_form": context.get("push_form")
        or PushKindsForm(initial={"kinds": sorted(push.push_kinds_of(user))}),
        "push_configured": push.is_configured(),
        "vapid_public_key": settings.RSE_VAPID_PUBLIC_KEY,
        "devices": list(PushSubscription.objects.filter(user=user)),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
