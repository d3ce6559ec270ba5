"""Factories and helpers for the alerts tests."""

from communities.models import Community

from .communities_factories import CommunityFactory, MembershipFactory


def community_with(access=Community.Access.OPEN, members=2, **kwargs):
    """A community, its manager and `members` members (rows as the services leave them)."""
    community = CommunityFactory(access=access, **kwargs)
    manager = MembershipFactory(community=community, role="manager").user
    people = [MembershipFactory(community=community).user for _ in range(members)]
    community.refresh_from_db()
    return community, manager, people
