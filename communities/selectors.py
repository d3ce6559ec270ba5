"""Reads about communities: the one place where visibility and reading rules live.

Every page, list, count, search, autocomplete, profile, notification and e-mail that
shows communities starts from these querysets.
"""

from functools import cached_property

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Community, Membership


def _is_person(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _is_employee(user) -> bool:
    return user.kind == "employee"


def _memberships_of(user, *statuses) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, status__in=statuses)


def _pending_invitations_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(
        user=user, status=Membership.Status.INVITED, expires_at__gt=timezone.now()
    )


def communities_discoverable_by(user) -> QuerySet[Community]:
    """The communities whose existence `user` may know of (DESIGN §3, rule 1).

    Employees: visible ones; hidden ones where they are an active member, hold a
    pending invitation, or belong to an audience group — unless banned from it.
    Externals: only those they are an active member of, or invited into (so that
    they can accept). Site administrators: all. Anonymous visitors: none.
    """
    if not _is_person(user):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    active = _memberships_of(user, Membership.Status.ACTIVE).values("community_id")
    invited = _pending_invitations_of(user).values("community_id")
    if not _is_employee(user):
        return Community.objects.filter(Q(pk__in=active) | Q(pk__in=invited))
    audience = Community.audience.through.objects.filter(group__in=user.groups.values("pk")).values(
        "community_id"
    )
    banned = _memberships_of(user, Membership.Status.BANNED).values("community_id")
    hidden_ok = Q(pk__in=active) | Q(pk__in=invited) | (Q(pk__in=audience) & ~Q(pk__in=banned))
    return Community.objects.filter(Q(visibility=Community.Visibility.VISIBLE) | hidden_ok)


def communities_readable_by(user) -> QuerySet[Community]:
    """The communities whose content (posts, members) `user` may read (rule 2).

    Free communities: every employee (except those banned from it). Open and closed:
    active members. Externals: only where they are active members. Site admins: all.
    """
    if not _is_person(user):
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    active = _memberships_of(user, Membership.Status.ACTIVE).values("community_id")
    if not _is_employee(user):
        return Community.objects.filter(pk__in=active)
    banned = _memberships_of(user, Membership.Status.BANNED).values("community_id")
    return Community.objects.filter(
        Q(pk__in=active) | (Q(access=Community.Access.FREE) & ~Q(pk__in=banned))
    )


def get_community_or_404(user, slug: str) -> Community:
    """One community for `user`, or 404 (never 403) if they may not discover it."""
    community = communities_discoverable_by(user).filter(slug=slug).first()
    if community is None:
        raise Http404
    return community


def is_readable_by(user, community: Community) -> bool:
    return communities_readable_by(user).filter(pk=community.pk).exists()


def is_discoverable_by(user, community: Community) -> bool:
    return communities_discoverable_by(user).filter(pk=community.pk).exists()


def membership_of(user, community: Community) -> Membership | None:
    if not _is_person(user):
        return None
    return Membership.objects.filter(user=user, community=community).first()


class Standing:
    """Where one person stands with one community, each fact read at most once.

    A page that asks several permission questions (read? join? post?) shares one, so
    that each lookup runs once. It is a snapshot: build a new one after a change."""

    def __init__(self, user, community: Community):
        self.user = user
        self.community = community

    @cached_property
    def membership(self) -> Membership | None:
        return membership_of(self.user, self.community)

    @cached_property
    def status(self) -> str | None:
        return self.membership.status if self.membership else None

    @cached_property
    def readable(self) -> bool:
        return is_readable_by(self.user, self.community)

    @cached_property
    def discoverable(self) -> bool:
        return is_discoverable_by(self.user, self.community)


def communities_directory(
    user, *, text: str = "", purpose: str = "", access: str = "", mine: bool = False
) -> QuerySet[Community]:
    """The directory: discoverable communities filtered and searched, with the viewer's
    own membership status annotated (one query, whatever the number of rows)."""
    communities = communities_discoverable_by(user)
    for word in text.split():
        communities = communities.filter(Q(name__icontains=word) | Q(description__icontains=word))
    if purpose:
        communities = communities.filter(purpose=purpose)
    if access:
        communities = communities.filter(access=access)
    is_member = Membership.objects.filter(
        community=OuterRef("pk"), user=user, status=Membership.Status.ACTIVE
    )
    communities = communities.annotate(viewer_is_member=Exists(is_member))
    if mine:
        communities = communities.filter(viewer_is_member=True)
    return communities.order_by("name", "pk")


def managers_of(community: Community) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(
            community=community,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.MANAGER,
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def members_of(user, community: Community) -> QuerySet[Membership]:
    """Active members, for those who may read the community only (else none)."""
    if not is_readable_by(user, community):
        return Membership.objects.none()
    return (
        Membership.objects.filter(community=community, status=Membership.Status.ACTIVE)
        .select_related("user", "user__sponsor")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def pending_of(community: Community) -> QuerySet[Membership]:
    """Requests, invitations and bans: for managers (the caller checks can_manage)."""
    return (
        Membership.objects.filter(
            community=community,
            status__in=[
                Membership.Status.REQUESTED,
                Membership.Status.INVITED,
                Membership.Status.BANNED,
            ],
        )
        .select_related("user", "invited_by")
        .order_by("status", "created_at", "pk")
    )


def communities_of_member(viewer, person) -> QuerySet[Community]:
    """Communities `person` is an active member of, as far as `viewer` may discover them
    (for a profile's "member of"): a hidden one never shows to outsiders."""
    return (
        communities_discoverable_by(viewer)
        .filter(memberships__user=person, memberships__status=Membership.Status.ACTIVE)
        .order_by("name")
    )


def co_member_ids(user) -> QuerySet:
    """People sharing an active membership with `user` (for what externals may see)."""
    mine = _memberships_of(user, Membership.Status.ACTIVE).values("community_id")
    return Membership.objects.filter(community_id__in=mine, status=Membership.Status.ACTIVE).values(
        "user_id"
    )
