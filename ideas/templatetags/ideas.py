"""What a post's page shows about an idea, read here so the posts app need not know it."""

from django import template

from access import ideas as idea_rules

from .. import selectors
from ..models import Idea, Vote

register = template.Library()


@register.simple_tag(takes_context=True)
def idea_state(context, post) -> dict:
    request = context.get("request")
    idea = getattr(post, "idea", None)
    if request is None or idea is None:
        return {}
    viewer = request.viewer
    may_review = idea_rules.can_review(viewer, post.community)
    return {
        "voted": Vote.objects.filter(idea=idea, user_id=viewer.pk).exists(),
        "may_vote": idea_rules.can_vote(viewer, post, idea),
        "may_review": may_review and idea.status != Idea.Status.MERGED,
        "statuses": [c for c in Idea.Status.choices if c[0] != Idea.Status.MERGED],
        "targets": selectors.merge_targets(viewer, idea) if may_review else [],
    }
