"""Writes from the company directory about groups: the populations used as community
audiences, and the role groups (site moderators…) a directory group may feed."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from profiles.models import User

from .models import DirectoryGroup
from .services import DirectoryError, Origin, client_count_changes


@dataclass
class GroupChange:
    """What happened to the members of a group, for the audit trail."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


# Groups ----------------------------------------------------------------------------------


def role_group_name(display_name: str) -> str:
    """The RSE group a directory group feeds: itself, or a role group named in
    DIRECTORY_ROLE_GROUPS (site moderators, communications…)."""
    return settings.DIRECTORY_ROLE_GROUPS.get(display_name, display_name)


def _check_group_name(name: str, *, exclude_pk: int | None) -> None:
    if not name.strip():
        raise DirectoryError(_("The attribute displayName is required."))
    if len(name) > 150:
        raise DirectoryError(_("displayName is too long (150 at most)."))
    taken = DirectoryGroup.objects.filter(display_name__iexact=name)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise DirectoryError(
            _("The group “%(value)s” already exists.") % {"value": name},
            kind="uniqueness",
            status=409,
        )


def group_create(
    *, origin: Origin, display_name: str, external_id: str = "", member_ids=(), ldap_dn=""
) -> DirectoryGroup:
    _check_group_name(display_name, exclude_pk=None)
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=role_group_name(display_name))
        if DirectoryGroup.objects.filter(group=group).exists():
            raise DirectoryError(
                _("The group “%(value)s” is already fed by another directory group.")
                % {"value": group.name},
                kind="uniqueness",
                status=409,
            )
        dgroup = DirectoryGroup.objects.create(
            group=group,
            source=origin.source,
            client=origin.client,
            external_id=external_id,
            display_name=display_name,
            ldap_dn=ldap_dn,
        )
        origin.record(
            "directory.group_created",
            target=group,
            data={"source": origin.source, "display_name": display_name},
        )
        group_set_members(origin=origin, dgroup=dgroup, member_ids=member_ids)
        client_count_changes(origin.client)
    return dgroup


def group_update(
    *, origin: Origin, dgroup: DirectoryGroup, display_name: str, external_id: str
) -> dict:
    """Rename a group or change its external id."""
    changes = {}
    if display_name != dgroup.display_name:
        changes["display_name"] = [dgroup.display_name, display_name]
    if external_id != dgroup.external_id:
        changes["external_id"] = [dgroup.external_id, external_id]
    if not changes:
        return {}
    _check_group_name(display_name, exclude_pk=dgroup.pk)
    with transaction.atomic():
        if "display_name" in changes:
            new_name = role_group_name(display_name)
            if Group.objects.filter(name=new_name).exclude(pk=dgroup.group_id).exists():
                raise DirectoryError(
                    _("The group “%(value)s” already exists.") % {"value": new_name},
                    kind="uniqueness",
                    status=409,
                )
            Group.objects.filter(pk=dgroup.group_id).update(name=new_name)
        dgroup.display_name, dgroup.external_id = display_name, external_id
        dgroup.save(update_fields=["display_name", "external_id", "updated_at"])
        origin.record("directory.group_updated", target=dgroup.group, data={"changes": changes})
        client_count_changes(origin.client)
    return changes


def _usernames(ids) -> list[str]:
    return sorted(User.objects.filter(pk__in=ids).values_list("username", flat=True))


def group_change_members(
    *, origin: Origin, dgroup: DirectoryGroup, add=(), remove=()
) -> GroupChange:
    """Add and remove members: effective on their next request (audiences are read
    from the groups on each request)."""
    add, remove = set(add), set(remove)
    through = Group.user_set.through
    with transaction.atomic():
        current = set(
            through.objects.filter(group_id=dgroup.group_id).values_list("user_id", flat=True)
        )
        to_add = add - current
        to_remove = (remove & current) - add
        if to_add:
            known = set(User.objects.filter(pk__in=to_add).values_list("pk", flat=True))
            if known != to_add:
                raise DirectoryError(
                    _("Unknown member: %(ids)s.")
                    % {"ids": ", ".join(str(i) for i in sorted(to_add - known))},
                    kind="invalidValue",
                )
            through.objects.bulk_create(
                [through(group_id=dgroup.group_id, user_id=pk) for pk in to_add]
            )
        if to_remove:
            through.objects.filter(group_id=dgroup.group_id, user_id__in=to_remove).delete()
        change = GroupChange(added=_usernames(to_add), removed=_usernames(to_remove))
        if to_add or to_remove:
            DirectoryGroup.objects.filter(pk=dgroup.pk).update(updated_at=timezone.now())
            origin.record(
                "directory.group_members_changed",
                target=dgroup.group,
                data={"added": change.added, "removed": change.removed},
            )
            client_count_changes(origin.client)
    return change


def group_set_members(*, origin: Origin, dgroup: DirectoryGroup, member_ids) -> GroupChange:
    through = Group.user_set.through
    wanted = set(member_ids)
    current = set(
        through.objects.filter(group_id=dgroup.group_id).values_list("user_id", flat=True)
    )
    return group_change_members(
        origin=origin, dgroup=dgroup, add=wanted - current, remove=current - wanted
    )


def group_delete(*, origin: Origin, dgroup: DirectoryGroup) -> None:
    """The directory deletes a group: its members lose what it gave them at once. A
    role group (site moderators…) is emptied but kept."""
    with transaction.atomic():
        group = dgroup.group
        members = list(group.user_set.values_list("username", flat=True))
        name = dgroup.display_name
        if role_group_name(name) != name:
            group.user_set.clear()
            dgroup.delete()
        else:
            group.delete()  # the directory row goes with it
        origin.record(
            "directory.group_deleted",
            target=None,
            data={"display_name": name, "group": group.name, "members": sorted(members)},
        )
        client_count_changes(origin.client)
