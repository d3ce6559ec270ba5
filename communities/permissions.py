"""Who may do what with a community: one function per verb (DESIGN §3).

Manager and moderator rights are django-guardian object permissions, checked with
the usual `has_perm(perm, obj)` API; site administrators hold every right.

The checks that depend on the person's membership take an optional `standing`
(`selectors.Standing`): a page asking several of them passes one, so that the
membership and the reading rule are looked up once.
"""

from charter.selectors import charter_status
from moderation.selectors import is_muted

from .models import Community, Membership
from .selectors import Standing

MANAGE = "communities.manage_community"
MODERATE = "communities.moderate_community"
MANAGE_CODENAME = "manage_community"
MODERATE_CODENAME = "moderate_community"


def _person(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _employee(user) -> bool:
    return _person(user) and user.kind == "employee"


def can_manage(user, community: Community) -> bool:
    """Edit, invite, decide requests, set roles, remove and ban."""
    return _person(user) and (user.is_superuser or user.has_perm(MANAGE, community))


def can_moderate(user, community: Community) -> bool:
    """Handle reports in this community."""
    return can_manage(user, community) or (_person(user) and user.has_perm(MODERATE, community))


def can_join(user, community: Community, standing: Standing | None = None) -> bool:
    """Free communities: an employee subscribes (no approval)."""
    standing = standing or Standing(user, community)
    return (
        _employee(user)
        and community.access == Community.Access.FREE
        and not community.is_archived
        and standing.status not in {Membership.Status.ACTIVE, Membership.Status.BANNED}
        and standing.discoverable
    )


def can_request(user, community: Community, standing: Standing | None = None) -> bool:
    """Open communities: an employee who can see it asks to join."""
    standing = standing or Standing(user, community)
    return (
        _employee(user)
        and community.access == Community.Access.OPEN
        and not community.is_archived
        and standing.status
        not in {
            Membership.Status.ACTIVE,
            Membership.Status.REQUESTED,
            Membership.Status.BANNED,
            Membership.Status.INVITED,
        }
        and standing.discoverable
    )


def can_invite(user, community: Community) -> bool:
    """Managers invite people into closed and open communities that are not archived."""
    return (
        community.access != Community.Access.FREE
        and not community.is_archived
        and can_manage(user, community)
    )


def can_approve(user, community: Community) -> bool:
    """Managers decide join requests while the community is not archived."""
    return (
        community.access == Community.Access.OPEN
        and not community.is_archived
        and can_manage(user, community)
    )


def can_read(user, community: Community, standing: Standing | None = None) -> bool:
    return _person(user) and (standing or Standing(user, community)).readable


def can_post(user, community: Community, standing: Standing | None = None) -> bool:
    """Contribute (rule 4): may read, charter accepted, not muted, community not
    archived. Posting, commenting, liking and reporting all ask this."""
    return (
        _person(user)
        and not community.is_archived
        and (standing or Standing(user, community)).readable
        and charter_status(user)["accepted"]
        and not is_muted(user, community)
    )


def can_create_community(user) -> bool:
    """Any employee may start a community."""
    return _employee(user)


def can_archive(user, community: Community) -> bool:
    return can_manage(user, community)


def can_restore(user, community: Community) -> bool:
    """Restoring an archived community is for site administrators."""
    return _person(user) and user.is_superuser
