"""Moderation rights: one function per verb.

Site moderators (the group named by RSE_SITE_MODERATORS_GROUP, and superusers) handle
everything, including posts on profiles; community managers and moderators handle
their communities. Nobody moderates their own content.
"""

from communities.models import Community

from . import communities as community_rules
from .viewer import as_viewer


def is_site_moderator(who) -> bool:
    return as_viewer(who).is_site_moderator


def is_muted(who, community: Community | None = None) -> bool:
    """Muted site-wide, or in `community` when one is given."""
    viewer = as_viewer(who)
    return viewer.is_person and viewer.is_muted(community)


def can_moderate_in(who, community: Community | None) -> bool:
    """Handle reports about content of `community` (None: a post on a profile)."""
    viewer = as_viewer(who)
    if not viewer.is_person:
        return False
    if viewer.is_site_moderator:
        return True
    return community is not None and community_rules.can_moderate(viewer, community)


def moderates_anything(who) -> bool:
    """Whether the moderation link and counter belong in the viewer's navigation."""
    viewer = as_viewer(who)
    return viewer.is_site_moderator or bool(viewer.is_person and viewer.moderated_community_ids)


def can_handle(who, case) -> bool:
    """Claim and decide `case`: a moderator of its community, never its author."""
    viewer = as_viewer(who)
    return viewer.user.pk != case.author_id and can_moderate_in(viewer, case.community)


def can_mute_site_wide(who) -> bool:
    return is_site_moderator(who)


def can_ban(who, community: Community | None) -> bool:
    """Exclusion from a community is a manager's measure (DESIGN §3, rule 5)."""
    return community is not None and community_rules.can_manage(who, community)


def can_decide_appeal(who, appeal) -> bool:
    viewer = as_viewer(who)
    return viewer.is_site_moderator and viewer.user.pk != appeal.appellant_id


def can_view_measures(who) -> bool:
    return is_site_moderator(who)
