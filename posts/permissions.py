"""Who may do what with posts, comments and likes: one function per verb (DESIGN §3).

Every contribution (post, comment, like) asks `can_contribute` for the community of
the post — or for the author's profile when the post has no community.
"""

from charter.selectors import charter_status
from communities import permissions as community_permissions
from communities.models import Community
from moderation.permissions import can_moderate_in
from moderation.selectors import is_muted

from .models import Comment, Post


def _person(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_contribute(user, community: Community | None) -> bool:
    """Post, comment or like in `community`, or on profiles when it is None.

    Community: `communities.permissions.can_post` (read, charter, not muted, not
    archived). Profiles: active employees who accepted the charter and are not muted
    site-wide (externals never see profile posts, so never write there)."""
    if community is not None:
        return community_permissions.can_post(user, community)
    return (
        _person(user)
        and user.kind == "employee"
        and charter_status(user)["accepted"]
        and not is_muted(user, None)
    )


def can_moderate_post(user, post: Post) -> bool:
    """See earlier versions and hidden content: community moderators, site moderators."""
    return can_moderate_in(user, post.community)


def can_edit(user, item: Post | Comment) -> bool:
    """Authors edit their own published posts and comments while they may contribute."""
    post = item if isinstance(item, Post) else item.post
    return (
        _person(user)
        and item.author_id == user.pk
        and item.is_published
        and post.is_published
        and can_contribute(user, post.community)
    )


def can_delete(user, item: Post | Comment) -> bool:
    """Authors may always delete what they published (even when muted)."""
    return _person(user) and item.author_id == user.pk and item.is_published
