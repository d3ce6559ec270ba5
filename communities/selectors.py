"""Reads about communities: the one place where visibility and reading rules live.

Every page, list, count, search, autocomplete, profile, notification and e-mail that
shows communities starts from these querysets.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

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


@dataclass(frozen=True)
class ExternalReaders:
    """Who outside the company reads a community: how many, from which organisations."""

    count: int
    organisations: list[str]

    @property
    def organisation_list(self) -> str:
        return get_text_list(self.organisations, _("and"))

    def __bool__(self) -> bool:
        return self.count > 0


def external_readers_of(community: Community) -> ExternalReaders:
    """The active external members of `community` by organisation (one query): the
    composer tells the author before they publish. For those who may post there, who
    may read its members anyway."""
    rows = (
        Membership.objects.filter(
            community=community,
            status=Membership.Status.ACTIVE,
            user__kind="external",
            user__is_active=True,
        )
        .values("user__organisation")
        .annotate(n=Count("pk"))
        .order_by("-n", "user__organisation")
    )
    count, organisations = 0, []
    for row in rows:
        count += row["n"]
        if row["user__organisation"]:
            organisations.append(row["user__organisation"])
    return ExternalReaders(count=count, organisations=organisations)
