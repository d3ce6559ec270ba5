"""People: whose profile the viewer may see, and what they may do with people."""

from django.db.models import Q, QuerySet
from django.http import Http404

from communities.models import Membership
from profiles.models import User

from .viewer import as_viewer


def co_member_ids(who) -> QuerySet:
    """People sharing an active membership with the viewer (for what externals see)."""
    user = as_viewer(who).user
    mine = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
        "community_id"
    )
    return Membership.objects.filter(community_id__in=mine, status=Membership.Status.ACTIVE).values(
        "user_id"
    )


def users_visible_to(who) -> QuerySet[User]:
    """The people whose profile the viewer may see (the one place for this rule).

    Employees see everyone, former employees included (their past content stays
    attributed). Externals see themselves, their sponsor and the people they share
    a community with (active members of the same community).
    """
    viewer = as_viewer(who)
    if not viewer.is_person:
        return User.objects.none()
    if viewer.is_employee:
        return User.objects.all()
    user = viewer.user
    return User.objects.filter(
        Q(pk=user.pk) | Q(pk=user.sponsor_id) | Q(pk__in=co_member_ids(viewer))
    )


def get_visible_user_or_404(who, username: str) -> User:
    """One person's profile for the viewer, or 404 (never 403) if they may not see it."""
    user = (
        users_visible_to(who)
        .select_related("profile", "sponsor")
        .filter(username__iexact=username)
        .first()
    )
    if user is None:
        raise Http404
    return user


def can_use_directory(who) -> bool:
    """The company directory, its search and the skill suggestions: active employees."""
    return as_viewer(who).is_employee


def can_endorse(who, user_skill) -> bool:
    actor = as_viewer(who).user
    return actor.is_active and actor.pk != user_skill.user_id and user_skill.user.is_active


def can_follow(who, user) -> bool:
    actor = as_viewer(who).user
    return actor.is_active and actor.pk != user.pk and user.is_active
