"""Who may do what in moderation: one function per verb.

Site moderators (the "Site moderators" group, or superusers) handle everything,
including posts on profiles; community managers and moderators handle their
communities. Nobody moderates their own content.
"""

from django.contrib.auth.models import Group

from communities import permissions as community_permissions
from communities.models import Community
from profiles.demo import SITE_MODERATORS_GROUP

_CACHE = "_moderation_is_site_moderator"


def _person(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_site_moderator(user) -> bool:
    """Members of the "Site moderators" group, and superusers (asked once per user object)."""
    if not _person(user):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, _CACHE):
        setattr(user, _CACHE, Group.objects.filter(name=SITE_MODERATORS_GROUP, user=user).exists())
    return bool(getattr(user, _CACHE))


def can_moderate_in(user, community: Community | None) -> bool:
    """Handle reports about content of `community` (None: a post on a profile)."""
    if not _person(user):
        return False
    if is_site_moderator(user):
        return True
    return community is not None and community_permissions.can_moderate(user, community)


def can_handle(user, case) -> bool:
    """Claim and decide `case`: a moderator of its community, never its author."""
    return user.pk != case.author_id and can_moderate_in(user, case.community)


def can_mute_site_wide(user) -> bool:
    return is_site_moderator(user)


def can_ban(user, community: Community | None) -> bool:
    """Exclusion from a community is a manager's measure (DESIGN §3, rule 5)."""
    return community is not None and community_permissions.can_manage(user, community)


def can_decide_appeal(user, appeal) -> bool:
    return is_site_moderator(user) and user.pk != appeal.appellant_id


def can_view_measures(user) -> bool:
    return is_site_moderator(user)
