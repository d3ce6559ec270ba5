"""Signals from the layers below, each handed to a service."""

from . import announcements, services


def post_published(sender, *, post, **kwargs) -> None:
    services.fanout_schedule(post=post)


def community_archived(sender, *, community, **kwargs) -> None:
    announcements.pins_lift_archived(community=community)
