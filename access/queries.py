"""The two community rules as querysets (DESIGN §3, rules 1 and 2), for one person.

Used by `Viewer` (which reads them once as lists of ids) and by `access.communities`
(which gives them to every page as subqueries). Nothing here runs a query by itself.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from communities.models import Community, Membership

from . import roles


def _memberships_of(user, *statuses) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user, status__in=statuses)


def pending_invitations_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(
        user=user, status=Membership.Status.INVITED, expires_at__gt=timezone.now()
    )


def discoverable(user, *, is_person: bool) -> QuerySet[Community]:
    """The communities whose existence `user` may know of (rule 1).

    Employees: visible ones; hidden ones where they are an active member, hold a
    pending invitation, or belong to an audience group — unless banned from it.
    Externals: only those they are an active member of, or invited into (so that
    they can accept). Site administrators: all. Anonymous visitors: none.
    """
    if not is_person:
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    active = _memberships_of(user, Membership.Status.ACTIVE).values("community_id")
    invited = pending_invitations_of(user).values("community_id")
    if user.kind != roles.EMPLOYEE:
        return Community.objects.filter(Q(pk__in=active) | Q(pk__in=invited))
    audience = Community.audience.through.objects.filter(group__in=user.groups.values("pk")).values(
        "community_id"
    )
    banned = _memberships_of(user, Membership.Status.BANNED).values("community_id")
    hidden_ok = Q(pk__in=active) | Q(pk__in=invited) | (Q(pk__in=audience) & ~Q(pk__in=banned))
    return Community.objects.filter(Q(visibility=Community.Visibility.VISIBLE) | hidden_ok)


def readable(user, *, is_person: bool) -> QuerySet[Community]:
    """The communities whose content (posts, members) `user` may read (rule 2).

    Free communities: every employee (except those banned from it). Open and closed:
    active members. Externals: only where they are active members. Site admins: all.
    """
    if not is_person:
        return Community.objects.none()
    if user.is_superuser:
        return Community.objects.all()
    active = _memberships_of(user, Membership.Status.ACTIVE).values("community_id")
    if user.kind != roles.EMPLOYEE:
        return Community.objects.filter(pk__in=active)
    banned = _memberships_of(user, Membership.Status.BANNED).values("community_id")
    return Community.objects.filter(
        Q(pk__in=active) | (Q(access=Community.Access.FREE) & ~Q(pk__in=banned))
    )
