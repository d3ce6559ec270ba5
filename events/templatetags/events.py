"""What the pages of lower apps (a post, the home page) show about events, read here
so that those apps need not know this one."""

from django import template

from access import events as event_rules

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def event_state(context, post) -> dict:
    """On a post's page: my answer, and what I may do with the event."""
    request = context.get("request")
    event = getattr(post, "event", None)
    if request is None or event is None:
        return {}
    viewer = request.viewer
    return {
        "rsvp": selectors.rsvp_of(viewer, event),
        "may_rsvp": event_rules.can_rsvp(viewer, post, event),
        "may_cancel": event_rules.can_cancel(viewer, post, event),
    }


@register.simple_tag(takes_context=True)
def upcoming_events(context) -> list:
    """On the home page: the next events of my communities."""
    request = context.get("request")
    if request is None:
        return []
    return selectors.upcoming_in_my_communities(request.viewer)
