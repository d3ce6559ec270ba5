"""Who may announce and pin (one function per verb, built on the access rules)."""

from access import communities as community_rules
from access.posts import can_contribute
from access.roles import communications_group_name
from access.viewer import as_viewer
from posts.models import Post, Status


def in_communications_group(who) -> bool:
    viewer = as_viewer(who)
    if not viewer.is_person:
        return False
    return viewer.user.groups.filter(name=communications_group_name()).exists()


def can_announce(who, post: Post) -> bool:
    """A community post: its managers, who may still contribute there (not muted, not
    archived, charter accepted). A profile post (site-wide, to every employee): its
    author, an employee of the communications group (or a site administrator) who is
    not muted site-wide."""
    viewer = as_viewer(who)
    if not viewer.is_person or post.status != Status.PUBLISHED:
        return False
    community = post.community
    if community is None:
        if post.author_id != viewer.pk:
            return False
        if not (viewer.is_superuser or (viewer.is_employee and in_communications_group(viewer))):
            return False
        return can_contribute(viewer, None)
    return community_rules.can_manage(viewer, community) and can_contribute(viewer, community)


def can_pin(who, post: Post) -> bool:
    """Ordinary pins: community posts, by the community's managers (same conditions)."""
    viewer = as_viewer(who)
    community = post.community
    if not viewer.is_person or post.status != Status.PUBLISHED or community is None:
        return False
    return community_rules.can_manage(viewer, community) and can_contribute(viewer, community)


def can_mark_urgent(who) -> bool:
    """Only site administrators declare an announcement urgent (it reaches people
    outside their working hours)."""
    return as_viewer(who).is_superuser


def can_see_reach(who, pin) -> bool:
    """ "Seen by N of M": the author and the community's managers (site-wide: the author,
    the communications group and site administrators)."""
    viewer = as_viewer(who)
    if not viewer.is_person:
        return False
    if pin.post.author_id == viewer.pk or viewer.is_superuser:
        return True
    if pin.community_id is None:
        return in_communications_group(viewer)
    return community_rules.can_manage(viewer, pin.community)


def can_see_unseen_list(who, pin) -> bool:
    """Who has not seen it yet: managers of closed communities only (never site-wide:
    aggregate only there)."""
    if pin.community_id is None or pin.community.access != pin.community.Access.CLOSED:
        return False
    viewer = as_viewer(who)
    return viewer.is_person and community_rules.can_manage(viewer, pin.community)
