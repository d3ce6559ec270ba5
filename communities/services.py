"""Writes about communities: one function per business action.

Each one checks the permission, changes the state with a conditional update (so a
double submission changes nothing twice), keeps the stored member counter right,
keeps guardian rights in step with roles and writes the audit entry — in one
transaction.
"""

import secrets
from typing import NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from access import communities as community_rules
from access import viewer as viewer_rules
from audit import services as audit
from charter.permissions import ensure_charter_accepted
from core import navcounters
from profiles.models import User

from .events import community_archived
from .models import HIDDEN_OPEN_NEEDS_AUDIENCE, Community, Membership

S = Membership.Status
R = Membership.Role
# Statuses from which a person may be invited, or may ask, again.
REOPENABLE = [S.LEFT, S.REJECTED, S.DECLINED, S.REMOVED, S.EXPIRED]
ROLE_PERMISSIONS = {
    R.MANAGER: viewer_rules.MANAGE_CODENAME,
    R.MODERATOR: viewer_rules.MODERATE_CODENAME,
    R.MEMBER: None,
}
COMMUNITY_FIELDS = ("name", "slug", "description", "purpose", "access", "visibility")


def _refuse(message: str) -> NoReturn:
    raise ValidationError(message)


def _check_audience_rule(community: Community, audience) -> None:
    if (
        community.visibility == Community.Visibility.HIDDEN
        and community.access == Community.Access.OPEN
        and not list(audience)
    ):
        raise ValidationError({"audience": HIDDEN_OPEN_NEEDS_AUDIENCE})


def record_activity(community: Community) -> None:
    """Note that something happened in `community` (a post, a comment, a like, a
    membership change): the inactivity job reads `last_activity_at`. Activity in a
    dormant community brings it back to active (audited)."""
    now = timezone.now()
    with transaction.atomic():
        woken = Community.objects.filter(pk=community.pk, state=Community.State.DORMANT).update(
            state=Community.State.ACTIVE, dormant_since=None, last_activity_at=now
        )
        if woken:
            audit.record(
                "community.reactivated",
                target=community,
                actor_label="activity",
                data={"by": "activity"},
            )
        else:
            Community.objects.filter(pk=community.pk).update(last_activity_at=now)
    community.last_activity_at = now
    if woken:
        community.state, community.dormant_since = Community.State.ACTIVE, None


def community_keep_active(*, actor: User, community: Community, request=None) -> Community:
    """A manager answers the inactivity question: the dormant community stays active."""
    if not community_rules.can_manage(actor, community):
        raise PermissionDenied
    with transaction.atomic():
        updated = Community.objects.filter(pk=community.pk, state=Community.State.DORMANT).update(
            state=Community.State.ACTIVE, dormant_since=None, last_activity_at=timezone.now()
        )
        if not updated:
            _refuse(_("This community is not dormant."))
        audit.record(
            "community.reactivated",
            actor=actor,
            target=community,
            request=request,
            data={"by": "manager"},
        )
    community.refresh_from_db()
    return community


def _lock(community: Community) -> Community:
    """Serialize the changes of one community's members (counter, last manager)."""
    return Community.objects.select_for_update().get(pk=community.pk)


def _count(community: Community, delta: int) -> None:
    Community.objects.filter(pk=community.pk).update(members_count=F("members_count") + delta)


def _grant_role(*, actor, membership: Membership, role: str, request=None) -> None:
    """Give `membership.user` the guardian rights of `role`, taking back the others."""
    for other_role, codename in ROLE_PERMISSIONS.items():
        if codename is None:
            continue
        has = membership.user.has_perm(f"communities.{codename}", membership.community)
        if other_role == role and not has:
            assign_perm(codename, membership.user, membership.community)
            audit.record(
                "permission.granted",
                actor=actor,
                target=membership.community,
                request=request,
                data={"user": membership.user.username, "permission": codename},
            )
        elif other_role != role and has and not membership.user.is_superuser:
            remove_perm(codename, membership.user, membership.community)
            audit.record(
                "permission.revoked",
                actor=actor,
                target=membership.community,
                request=request,
                data={"user": membership.user.username, "permission": codename},
            )
    # guardian caches checks on the user object: forget them after a change.
    for cache in ("_guardian_perms_cache", "_perm_cache", "_user_perm_cache"):
        if hasattr(membership.user, cache):
            delattr(membership.user, cache)


def _other_active_managers(community: Community, membership: Membership) -> int:
    return (
        Membership.objects.filter(community=community, status=S.ACTIVE, role=R.MANAGER)
        .exclude(pk=membership.pk)
        .count()
    )


def _record(action, *, actor, membership: Membership, request=None, **data) -> None:
    audit.record(
        action,
        actor=actor,
        target=membership.community,
        request=request,
        data={"user": membership.user.username, **data},
    )


# Communities ------------------------------------------------------------------------


def _settle_slug(actor: User, community: Community) -> None:
    """Keep the address unique without revealing a community the actor may not discover.

    Taken by a community the actor knows of: a clear error. Taken by one they may not
    discover (a hidden one): a free address is chosen instead, without saying why —
    "already exists" would tell them that the hidden community exists."""
    taken = Community.objects.filter(slug=community.slug).exclude(pk=community.pk).first()
    if taken is None:
        return
    if community_rules.is_discoverable_by(actor, taken):
        raise ValidationError(
            {"slug": _("A community with this address already exists: choose another one.")}
        )
    base = community.slug[: (Community._meta.get_field("slug").max_length or 80) - 7]
    while Community.objects.filter(slug=community.slug).exists():
        community.slug = f"{base}-{secrets.token_hex(3)}"


def community_create(
    *, actor: User, data: dict, audience=(), request=None, is_permanent: bool = False
) -> Community:
    """An employee starts a community and becomes its first manager."""
    if not community_rules.can_create_community(actor):
        raise PermissionDenied(_("Only employees can create communities."))
    ensure_charter_accepted(actor)
    community = Community(
        **{k: data[k] for k in COMMUNITY_FIELDS if k in data},
        created_by=actor,
        is_permanent=is_permanent,
    )
    _settle_slug(actor, community)
    community.full_clean()
    _check_audience_rule(community, audience)
    with transaction.atomic():
        community.save()
        community.audience.set(audience)
        membership = Membership.objects.create(
            community=community, user=actor, status=S.ACTIVE, role=R.MANAGER
        )
        _count(community, +1)
        audit.record(
            "community.created",
            actor=actor,
            target=community,
            request=request,
            data={
                "access": community.access,
                "visibility": community.visibility,
                "purpose": community.purpose,
                "audience": sorted(g.name for g in audience),
            },
        )
        _grant_role(actor=actor, membership=membership, role=R.MANAGER, request=request)
    community.refresh_from_db()
    return community


def community_update(
    *, actor: User, community: Community, data: dict, audience=None, request=None
) -> Community:
    if not community_rules.can_manage(actor, community):
        raise PermissionDenied
    if community.is_archived:
        _refuse(_("This community is archived: it cannot be changed."))
    before = {k: getattr(community, k) for k in COMMUNITY_FIELDS}
    for key in COMMUNITY_FIELDS:
        if key in data:
            setattr(community, key, data[key])
    _settle_slug(actor, community)
    community.full_clean()
    new_audience = list(community.audience.all()) if audience is None else list(audience)
    _check_audience_rule(community, new_audience)
    with transaction.atomic():
        community.save(update_fields=list(COMMUNITY_FIELDS))
        if audience is not None:
            community.audience.set(new_audience)
        changes = {
            k: [before[k], getattr(community, k)]
            for k in COMMUNITY_FIELDS
            if before[k] != getattr(community, k)
        }
        audit.record(
            "community.updated", actor=actor, target=community, request=request, data=changes
        )
    return community


def community_archive(*, actor: User, community: Community, request=None) -> Community:
    """Make a community read-only (no joining, no posting)."""
    if not community_rules.can_archive(actor, community):
        raise PermissionDenied
    with transaction.atomic():
        updated = (
            Community.objects.filter(pk=community.pk)
            .exclude(state=Community.State.ARCHIVED)
            .update(state=Community.State.ARCHIVED)
        )
        navcounters.access_changed()
        if not updated:
            _refuse(_("This community is already archived."))
        audit.record("community.archived", actor=actor, target=community, request=request)
        community_archived.send(sender=Community, community=community)
    community.refresh_from_db()
    return community


def community_restore(*, actor: User, community: Community, request=None) -> Community:
    if not community_rules.can_restore(actor, community):
        raise PermissionDenied
    with transaction.atomic():
        updated = Community.objects.filter(pk=community.pk, state=Community.State.ARCHIVED).update(
            state=Community.State.ACTIVE, last_activity_at=timezone.now(), dormant_since=None
        )
        if not updated:
            _refuse(_("This community is not archived."))
        audit.record("community.restored", actor=actor, target=community, request=request)
    community.refresh_from_db()
    return community
