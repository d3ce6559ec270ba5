"""Reads for the company sign-in."""

from communities.models import Membership
from moderation.permissions import is_site_moderator


def mfa_roles_of(user, roles: list[str]) -> list[str]:
    """Which of the two-factor policy's `roles` this person holds."""
    held = []
    if "staff" in roles and (user.is_staff or user.is_superuser):
        held.append("staff")
    if "externals" in roles and user.is_external:
        held.append("externals")
    if "site_moderators" in roles and is_site_moderator(user):
        held.append("site_moderators")
    if (
        "community_managers" in roles
        and Membership.objects.filter(
            user=user, role=Membership.Role.MANAGER, status=Membership.Status.ACTIVE
        ).exists()
    ):
        held.append("community_managers")
    return held
