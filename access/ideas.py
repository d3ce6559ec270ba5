"""The idea box: who may propose, vote, review (change a status, merge) and run the
box. Built on the rules of communities and posts: an idea is read wherever its post
is; a community's box, reviewers and votes are read through reverse relations (no
import of the ideas app, which sits above)."""

from django.db.models import QuerySet

from communities.models import Community
from posts.models import Post

from . import communities as community_rules
from .posts import can_contribute, posts_readable_by
from .viewer import as_viewer

OPEN_STATUSES = ("new", "under_review", "planned")


def ideas_readable_by(who, **kwargs) -> QuerySet[Post]:
    return posts_readable_by(who, **kwargs).filter(idea__isnull=False)


def box_enabled(community: Community | None) -> bool:
    if community is None:
        return False
    box = getattr(community, "idea_box", None)  # None: no row (reverse one-to-one)
    return bool(box is not None and box.enabled)


def can_run_box(who, community: Community) -> bool:
    """Enable or close the box, name reviewers: the community's managers."""
    return community_rules.can_manage(who, community) and not community.is_archived


def can_propose(who, community: Community | None) -> bool:
    return box_enabled(community) and can_contribute(who, community)


def can_vote(who, post: Post, idea) -> bool:
    """Vote while the idea is open (new, under review, planned) and one may contribute."""
    return (
        post.is_published and idea.status in OPEN_STATUSES and can_contribute(who, post.community)
    )


def is_reviewer(who, community: Community) -> bool:
    viewer = as_viewer(who)
    if not viewer.is_person:
        return False
    if community_rules.can_manage(viewer, community):
        return True
    return viewer.user.idea_reviews.filter(box_id=community.pk).exists()


def can_review(who, community: Community | None) -> bool:
    """Change an idea's status or merge it: the review team (the managers plus the people
    they named) while they may contribute."""
    if community is None or not box_enabled(community):
        return False
    return can_contribute(who, community) and is_reviewer(who, community)
