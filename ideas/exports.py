"""This app's section of "Download my data" (registry: core.exports)."""

from django.utils.translation import gettext_lazy as _

from access.communities import communities_discoverable_by
from access.ideas import ideas_readable_by
from core import exports

from .models import Reviewer, Vote


@exports.section("ideas", _("Votes for ideas, idea review teams"), order=42)
def ideas(user) -> exports.Rows:
    """The person's votes (the idea's title only if they may still read it) and the idea
    boxes whose review team they are in (the community only if they may discover it)."""
    readable = set(ideas_readable_by(user).values_list("pk", flat=True))
    rows: exports.Rows = [
        {
            "kind": "vote",
            "post": post,
            "title": title if post in readable else None,
            "voted_at": at,
        }
        for post, title, at in Vote.objects.filter(user=user)
        .order_by("pk")
        .values_list("idea_id", "idea__title", "created_at")
    ]
    visible = set(communities_discoverable_by(user).values_list("pk", flat=True))
    rows += [
        {
            "kind": "reviewer",
            "community": name if community in visible else None,
            "since": at,
        }
        for community, name, at in Reviewer.objects.filter(user=user)
        .order_by("pk")
        .values_list("box__community_id", "box__community__name", "added_at")
    ]
    return rows
