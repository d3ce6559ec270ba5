"""Webhooks: who may register a community's hooks, and what a hook may carry.

A hook acts for its owner: when an event is delivered, the owner must still manage the
community (and be able to discover it), and content is included only if the owner may
read it at that moment. Those questions are asked here, not in the webhooks app.
"""

from communities.models import Community
from posts.models import Comment, Post

from .communities import can_manage, is_discoverable_by
from .posts import is_comment_readable_by, is_post_readable_by
from .viewer import as_viewer


def can_manage_hooks(who, community: Community) -> bool:
    """Register, change, rotate and delete the community's hooks, and see their log:
    its managers and site administrators (an active account that can discover it)."""
    viewer = as_viewer(who)
    return (
        viewer.is_person and can_manage(viewer, community) and is_discoverable_by(viewer, community)
    )


def may_deliver(owner, community: Community) -> bool:
    """A hook of `owner` may still send the community's events (asked at send time)."""
    return can_manage_hooks(owner, community)


def may_carry_post(owner, post: Post) -> bool:
    """The post's text may travel in a delivery of `owner`'s hook."""
    return is_post_readable_by(owner, post)


def may_carry_comment(owner, comment: Comment) -> bool:
    return is_comment_readable_by(owner, comment)
