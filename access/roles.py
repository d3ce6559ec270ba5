"""Roles are data: who counts as an employee, and the role groups named in settings
(created by the migration `access.0001_role_groups`). Every role check is here."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet

from profiles.models import User

EMPLOYEE = User.Kind.EMPLOYEE
EXTERNAL = User.Kind.EXTERNAL


def site_moderators_group_name() -> str:
    return settings.RSE_SITE_MODERATORS_GROUP


def communications_group_name() -> str:
    return settings.RSE_COMMUNICATIONS_GROUP


def observers_group_name() -> str:
    return settings.RSE_OBSERVERS_GROUP


def in_observers_group(user) -> bool:
    """One query: whether `user` belongs to the observers' group (usage observatory)."""
    return Group.objects.filter(name=observers_group_name(), user=user.pk).exists()


def site_moderators_group() -> Group:
    """The group of site moderators (created by the migration; made again if deleted)."""
    return Group.objects.get_or_create(name=site_moderators_group_name())[0]


def site_moderator_groups() -> QuerySet[Group]:
    return Group.objects.filter(name=site_moderators_group_name())


def in_site_moderators_group(user) -> bool:
    """One query: whether `user` belongs to the site moderators' group."""
    return site_moderator_groups().filter(user=user.pk).exists()


def site_moderators() -> QuerySet[User]:
    """Active people who moderate everywhere: the group's members and superusers."""
    return User.objects.filter(
        Q(groups__in=site_moderator_groups()) | Q(is_superuser=True), is_active=True
    ).distinct()
