"""Communities: who may discover, read, join, post in, manage and moderate them
(DESIGN §3, rules 1 to 6). One function per verb; each takes a viewer (or a user).

Manager and moderator rights are django-guardian object permissions, read once per
viewer (`Viewer.community_rights`); site administrators hold every right.
"""

from functools import cached_property

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from communities.models import Community, Membership

from .viewer import MANAGE_CODENAME, MODERATE_CODENAME, Viewer, as_viewer

MANAGE = f"communities.{MANAGE_CODENAME}"
MODERATE = f"communities.{MODERATE_CODENAME}"


def communities_discoverable_by(who) -> QuerySet[Community]:
    """The communities whose existence the viewer may know of (rule 1)."""
    return as_viewer(who).discoverable_communities()


def communities_readable_by(who) -> QuerySet[Community]:
    """The communities whose content (posts, members) the viewer may read (rule 2)."""
    return as_viewer(who).readable_communities()


def _known(viewer: Viewer, name: str) -> list[int] | None:
    """A list of ids the viewer already read this request, if any (no query)."""
    return viewer.__dict__.get(name)


def is_readable_by(who, community: Community) -> bool:
    viewer = as_viewer(who)
    known = _known(viewer, "readable_community_ids")
    if known is not None:
        return community.pk in known
    return viewer.readable_communities().filter(pk=community.pk).exists()


def is_discoverable_by(who, community: Community) -> bool:
    viewer = as_viewer(who)
    known = _known(viewer, "discoverable_community_ids")
    if known is not None:
        return community.pk in known
    return viewer.discoverable_communities().filter(pk=community.pk).exists()


def get_community_or_404(who, slug: str) -> Community:
    """One community for the viewer, or 404 (never 403) if they may not discover it."""
    community = communities_discoverable_by(who).filter(slug=slug).first()
    if community is None:
        raise Http404
    return community


def membership_of(who, community: Community) -> Membership | None:
    viewer = as_viewer(who)
    if not viewer.is_person:
        return None
    return Membership.objects.filter(user=viewer.user, community=community).first()


class Standing:
    """Where one viewer stands with one community, each fact read at most once.

    A page that asks several questions (read? join? post?) shares one. It is a
    snapshot: build a new one after a change."""

    def __init__(self, who, community: Community):
        self.viewer = as_viewer(who)
        self.user = self.viewer.user
        self.community = community

    @cached_property
    def membership(self) -> Membership | None:
        return membership_of(self.viewer, self.community)

    @cached_property
    def status(self) -> str | None:
        return self.membership.status if self.membership else None

    @cached_property
    def readable(self) -> bool:
        return is_readable_by(self.viewer, self.community)

    @cached_property
    def discoverable(self) -> bool:
        return is_discoverable_by(self.viewer, self.community)


# --- Verbs ------------------------------------------------------------------------------


def can_manage(who, community: Community) -> bool:
    """Edit, invite, decide requests, set roles, remove and ban."""
    viewer = as_viewer(who)
    return viewer.is_superuser or (
        viewer.is_person and community.pk in viewer.managed_community_ids
    )


def can_moderate(who, community: Community) -> bool:
    """Handle reports in this community (its managers and moderators)."""
    viewer = as_viewer(who)
    return viewer.is_superuser or (
        viewer.is_person and community.pk in viewer.moderated_community_ids
    )


def can_join(who, community: Community, standing: Standing | None = None) -> bool:
    """Free communities: an employee subscribes (no approval)."""
    viewer = as_viewer(who)
    standing = standing or Standing(viewer, community)
    return (
        viewer.is_employee
        and community.access == Community.Access.FREE
        and not community.is_archived
        and standing.status not in {Membership.Status.ACTIVE, Membership.Status.BANNED}
        and standing.discoverable
    )


def can_request(who, community: Community, standing: Standing | None = None) -> bool:
    """Open communities: an employee who can see it asks to join."""
    viewer = as_viewer(who)
    standing = standing or Standing(viewer, community)
    return (
        viewer.is_employee
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


def can_invite(who, community: Community) -> bool:
    """Managers invite people into closed and open communities that are not archived."""
    return (
        community.access != Community.Access.FREE
        and not community.is_archived
        and can_manage(who, community)
    )


def can_approve(who, community: Community) -> bool:
    """Managers decide join requests while the community is not archived."""
    return (
        community.access == Community.Access.OPEN
        and not community.is_archived
        and can_manage(who, community)
    )


def can_read(who, community: Community, standing: Standing | None = None) -> bool:
    viewer = as_viewer(who)
    return viewer.is_person and (standing or Standing(viewer, community)).readable


def can_post(who, community: Community, standing: Standing | None = None) -> bool:
    """Contribute (rule 4): may read, charter accepted, not muted, community not
    archived. Posting, commenting, liking and reporting all ask this."""
    viewer = as_viewer(who)
    return (
        viewer.is_person
        and not community.is_archived
        and (standing or Standing(viewer, community)).readable
        and viewer.charter_accepted
        and not viewer.is_muted(community)
    )


def can_create_community(who) -> bool:
    """Any employee may start a community."""
    return as_viewer(who).is_employee


def can_archive(who, community: Community) -> bool:
    return can_manage(who, community)


def can_restore(who, community: Community) -> bool:
    """Restoring an archived community is for site administrators."""
    return as_viewer(who).is_superuser


def members_of(who, community: Community) -> QuerySet[Membership]:
    """Active members, for those who may read the community only (else none)."""
    if not is_readable_by(who, community):
        return Membership.objects.none()
    return (
        Membership.objects.filter(community=community, status=Membership.Status.ACTIVE)
        .select_related("user", "user__sponsor")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def communities_of_member(who, person) -> QuerySet[Community]:
    """Communities `person` is an active member of, as far as the viewer may discover
    them (a profile's "member of"): a hidden one never shows to outsiders."""
    return (
        communities_discoverable_by(who)
        .filter(memberships__user=person, memberships__status=Membership.Status.ACTIVE)
        .order_by("name")
    )


def communities_postable_by(who) -> QuerySet[Community]:
    """Rule 4 as a queryset: the communities the viewer may post in (may read, charter
    accepted, not muted there nor site-wide, not archived) — where to share a post."""
    viewer = as_viewer(who)
    if not viewer.is_person or not viewer.charter_accepted or viewer.is_muted(None):
        return Community.objects.none()
    now = timezone.now()
    muted = [scope for scope, ends_at in viewer.mutes if scope is not None and ends_at > now]
    return (
        communities_readable_by(viewer)
        .exclude(state=Community.State.ARCHIVED)
        .exclude(pk__in=muted)
        .order_by("name", "pk")
    )
