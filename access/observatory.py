"""The usage observatory: who may see its figures (README, "Usage observatory").

- the network dashboard: administrators (superusers) and the employees of the
  observers' group (RSE_OBSERVERS_GROUP, created by a migration);
- a community's dashboard: the same people, and the community's managers.

A community the viewer may not discover answers 404 (rule 7), one they may discover
but not observe answers 403.
"""

from django.core.exceptions import PermissionDenied

from communities.models import Community

from . import roles
from .communities import can_manage, get_community_or_404
from .viewer import as_viewer


def may_observe_network(who) -> bool:
    viewer = as_viewer(who)
    if viewer.is_superuser:
        return True
    return viewer.is_employee and roles.in_observers_group(viewer.user)


def may_observe_community(who, community: Community) -> bool:
    viewer = as_viewer(who)
    return can_manage(viewer, community) or may_observe_network(viewer)


def get_observed_community(who, slug: str) -> Community:
    """The community whose dashboard the viewer asks for: 404 if they may not discover
    it, 403 if they may discover it but not observe it."""
    community = get_community_or_404(who, slug)
    if not may_observe_community(who, community):
        raise PermissionDenied
    return community
