"""Reads about communities: the one place where visibility and reading rules live.

Every page, list, count, search, autocomplete, profile, notification and e-mail that
shows communities starts from these querysets.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from access.communities import communities_discoverable_by

from .models import Community, Membership


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
