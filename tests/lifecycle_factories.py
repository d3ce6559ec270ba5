"""Helpers for the lifecycle job tests: a community with a manager, an external with a
sponsor in a closed community, at a given moment."""

from datetime import UTC, datetime

import time_machine

from communities.models import Community, Membership

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def community_with_manager(*, at=T0, **fields):
    """A community last active at `at`, with one manager (returned too)."""
    with time_machine.travel(at, tick=False):
        community = CommunityFactory(**fields)
        manager = UserFactory()
        MembershipFactory(community=community, user=manager, role=Membership.Role.MANAGER)
    community.refresh_from_db()
    return community, manager


def external_in_closed_community(*, at=T0, **fields):
    """An external who arrived (and was last re-confirmed) at `at`, active member of a
    closed community managed by someone other than their sponsor."""
    with time_machine.travel(at, tick=False):
        community, manager = community_with_manager(at=at, access=Community.Access.CLOSED)
        external = ExternalFactory(reconfirmed_at=at, **fields)
        MembershipFactory(community=community, user=external)
    community.refresh_from_db()
    return external, community, manager
