"""The Viewer: who is asking, read once per request.

Built by `access.middleware.ViewerMiddleware` as `request.viewer` (and `viewer` in
templates). Every fact a rule asks — the person, employee or external, superuser,
charter accepted, mutes, site moderator, the communities they manage or moderate,
the communities they may read or discover — is read at most once, when first asked.

Convention: every rule, selector and service that depends on who acts takes a viewer
(`request.viewer` in views); jobs, commands and e-mails may pass a user, from which
`as_viewer` builds one. Nothing is cached on the user object.

A Viewer is a snapshot: a service that changes the viewer's own standing (joins,
mutes, grants a role) calls `forget()` so that later questions read afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cached_property

from django.utils import timezone

from charter.selectors import read_charter_status
from communities.models import CommunityGroupObjectPermission, CommunityUserObjectPermission
from core import navcounters
from moderation.models import Sanction

from . import queries, roles

# Guardian object permissions on communities that make someone manage or moderate.
MANAGE_CODENAME = "manage_community"
MODERATE_CODENAME = "moderate_community"


class Viewer:
    _FACTS = (
        "is_person",
        "charter",
        "mutes",
        "is_site_moderator",
        "community_rights",
        "readable_community_ids",
        "discoverable_community_ids",
    )

    def __init__(self, user):
        self.user = user
        self._counters: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"<Viewer {getattr(self.user, 'pk', None)}>"

    @property
    def pk(self):
        return self.user.pk

    # --- Who ---------------------------------------------------------------------------

    @cached_property
    def is_person(self) -> bool:
        """Signed in and active: nobody else reads or does anything."""
        user = self.user
        return bool(user is not None and user.is_authenticated and user.is_active)

    @property
    def is_superuser(self) -> bool:
        return self.is_person and bool(self.user.is_superuser)

    @property
    def is_employee(self) -> bool:
        return self.is_person and self.user.kind == roles.EMPLOYEE

    @property
    def is_external(self) -> bool:
        return self.is_person and self.user.kind == roles.EXTERNAL

    # --- Charter and mutes -------------------------------------------------------------

    @cached_property
    def charter(self) -> dict:
        """{"current", "binding", "accepted", "announcement"} (charter.selectors): for
        a person, from the cache while they accepted nothing and no version changed
        (core.navcounters; charter.receivers invalidates), else one query."""
        if not self.is_person:
            return read_charter_status(self.user)
        return navcounters.read(self.user.pk, "charter", lambda: read_charter_status(self.user))

    @property
    def charter_accepted(self) -> bool:
        return bool(self.charter["accepted"])

    @cached_property
    def mutes(self) -> list[tuple[int | None, datetime]]:
        """(community id or None for site-wide, end) of the mutes in force: one query."""
        if not self.is_person:
            return []
        rows = Sanction.objects.filter(
            user_id=self.user.pk,
            kind=Sanction.Kind.MUTE,
            ended_at__isnull=True,
            ends_at__gt=timezone.now(),
        ).values_list("community_id", "ends_at")
        return [(community_id, ends_at) for community_id, ends_at in rows if ends_at is not None]

    def is_muted(self, community=None) -> bool:
        """Muted site-wide, or in `community` when one is given (compared with the
        clock at each call: a mute ends by itself)."""
        now = timezone.now()
        scopes = {None, community.pk if community is not None else None}
        return any(ends_at > now and scope in scopes for scope, ends_at in self.mutes)

    # --- Roles -------------------------------------------------------------------------

    @cached_property
    def is_site_moderator(self) -> bool:
        """Members of the site moderators' group (settings), and superusers."""
        if not self.is_person:
            return False
        return self.is_superuser or roles.in_site_moderators_group(self.user)

    @cached_property
    def community_rights(self) -> dict[int, set[str]]:
        """{community id: {"manage_community", "moderate_community"}} held through
        guardian, directly or through a group: one query."""
        if not self.is_person:
            return {}
        codenames = [MANAGE_CODENAME, MODERATE_CODENAME]
        direct = CommunityUserObjectPermission.objects.filter(
            user_id=self.user.pk, permission__codename__in=codenames
        ).values_list("content_object_id", "permission__codename")
        by_group = CommunityGroupObjectPermission.objects.filter(
            group__user=self.user.pk, permission__codename__in=codenames
        ).values_list("content_object_id", "permission__codename")
        rights: dict[int, set[str]] = {}
        for community_id, codename in direct.union(by_group, all=True):
            rights.setdefault(community_id, set()).add(codename)
        return rights

    @property
    def managed_community_ids(self) -> set[int]:
        return {pk for pk, codes in self.community_rights.items() if MANAGE_CODENAME in codes}

    @property
    def moderated_community_ids(self) -> set[int]:
        """Communities whose reports this person handles (managers moderate too)."""
        return set(self.community_rights)

    # --- Counters of the navigation ------------------------------------------------------

    def counter(self, name: str, compute: Callable[[], int]) -> int:
        """A per-person count the base template shows (unread notifications, open
        cases): once per request, from the cache when it is current
        (core.navcounters), else `compute()`d and kept there."""
        if name not in self._counters:
            if not self.is_person:
                self._counters[name] = 0
            else:
                self._counters[name] = navcounters.read(self.user.pk, name, compute)
        return self._counters[name]

    # --- Communities -------------------------------------------------------------------

    @cached_property
    def readable_community_ids(self) -> list[int]:
        return list(self.readable_communities().values_list("pk", flat=True))

    @cached_property
    def discoverable_community_ids(self) -> list[int]:
        return list(self.discoverable_communities().values_list("pk", flat=True))

    def readable_communities(self):
        """Rule 2 as a queryset (a subquery for the pages that filter by it)."""
        return queries.readable(self.user, is_person=self.is_person)

    def discoverable_communities(self):
        """Rule 1 as a queryset."""
        return queries.discoverable(self.user, is_person=self.is_person)

    def forget(self) -> None:
        """Drop what was read (after a change of this person's standing)."""
        for name in self._FACTS:
            self.__dict__.pop(name, None)
        self._counters.clear()
        navcounters.forget(self.user.pk if self.is_person else None)


def as_viewer(who) -> Viewer:
    """`who` as a Viewer: a Viewer is returned as is, a user (or None) is wrapped."""
    return who if isinstance(who, Viewer) else Viewer(who)


def user_of(who):
    """The user behind a viewer or a user."""
    return who.user if isinstance(who, Viewer) else who
