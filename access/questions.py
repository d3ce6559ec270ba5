"""Questions (a post asked as a question): who may read, ask, answer, accept an answer,
and who may be offered one by the expert routing. Built on the rules of posts: a
question is read and written wherever its post is."""

from django.db.models import QuerySet

from communities.models import Community
from posts.models import Post

from . import communities as community_rules
from .moderation import can_moderate_in
from .posts import can_contribute, posts_readable_by
from .viewer import as_viewer


def questions_readable_by(who, **kwargs) -> QuerySet[Post]:
    """The posts asked as questions that the viewer may read."""
    return posts_readable_by(who, **kwargs).filter(question__isnull=False)


def can_ask(who, community: Community | None) -> bool:
    """Asking is posting: in a community where one may contribute, or on one's profile."""
    return can_contribute(who, community)


def can_answer(who, post: Post) -> bool:
    """Answering is commenting on the question's post (the caller read it already)."""
    return post.is_published and can_contribute(who, post.community)


def can_accept(who, post: Post) -> bool:
    """Mark an answer accepted: the asker, or a manager or moderator of the community
    (site moderators everywhere), while they may contribute there."""
    viewer = as_viewer(who)
    if not viewer.is_person or not post.is_published:
        return False
    if not can_contribute(viewer, post.community):
        return False
    return post.author_id == viewer.pk or can_moderate_in(viewer, post.community)


def can_be_offered(who, community: Community | None) -> bool:
    """The expert routing offers a question only to active employees (never to an
    external) who may read it and answer it (charter accepted, not muted)."""
    viewer = as_viewer(who)
    if not viewer.is_employee or not viewer.charter_accepted or viewer.is_muted(community):
        return False
    if community is None:
        return True
    return not community.is_archived and community_rules.is_readable_by(viewer, community)
