"""Writes about memberships: joining, requests, leaving, removals, bans, roles, and
the memberships of suspended accounts. Same rules as communities.services: each
action checks the permission, changes the state with a conditional update, keeps the
member counter and the guardian rights right and writes the audit entry, in one
transaction."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access import communities as community_rules
from audit import services as audit
from charter.permissions import ensure_charter_accepted
from core import navcounters
from core.notices import notify
from profiles.models import User

from .events import member_joined, member_left
from .models import Community, Membership
from .selectors import managers_of
from .services import (
    REOPENABLE,
    R,
    S,
    _count,
    _grant_role,
    _lock,
    _other_active_managers,
    _record,
    _refuse,
    record_activity,
)

# Joining ----------------------------------------------------------------------------


def _reopen_or_create(community: Community, user: User, **fields) -> Membership | None:
    """Turn a finished membership back into a live one, or create it. None when the
    person already holds a live one (someone was quicker: a double submission)."""
    updated = Membership.objects.filter(
        community=community, user=user, status__in=REOPENABLE
    ).update(**fields)
    navcounters.forget(user.pk)
    if not updated:
        try:
            with transaction.atomic():
                Membership.objects.create(community=community, user=user, **fields)
        except IntegrityError:
            return None
    return Membership.objects.select_related("user", "community").get(
        community=community, user=user
    )


def membership_join(*, actor: User, community: Community, request=None) -> Membership:
    """Subscribe to a free community (reading and posting need no membership)."""
    ensure_charter_accepted(actor)
    if not community_rules.can_join(actor, community):
        raise PermissionDenied(_("You cannot join this community."))
    with transaction.atomic():
        _lock(community)
        membership = _reopen_or_create(
            community, actor, status=S.ACTIVE, role=R.MEMBER, decided_at=timezone.now()
        )
        if membership is None or membership.status != S.ACTIVE:
            _refuse(_("You are already a member of this community."))
        _count(community, +1)
        _record("membership.joined", actor=actor, membership=membership, request=request)
        record_activity(community)
        member_joined.send(sender=Membership, membership=membership)
    return membership


def membership_request(
    *, actor: User, community: Community, message: str = "", request=None
) -> Membership:
    """Ask to join an open community; its managers decide."""
    ensure_charter_accepted(actor)
    if not community_rules.can_request(actor, community):
        raise PermissionDenied(_("You cannot ask to join this community."))
    with transaction.atomic():
        membership = _reopen_or_create(
            community,
            actor,
            status=S.REQUESTED,
            role=R.MEMBER,
            message=message[:500],
            reason="",
            decided_by=None,
            decided_at=None,
        )
        if membership is None:
            _refuse(_("You have already asked to join this community."))
        _record("membership.requested", actor=actor, membership=membership, request=request)
        url = reverse("communities:members", args=[community.slug])
        for manager in managers_of(community):
            notify(
                recipient=manager.user,
                kind="join_requested",
                actor=actor,
                community=community,
                data={"url": url},
            )
    return membership


def membership_request_cancel(*, actor: User, community: Community, request=None) -> None:
    with transaction.atomic():
        membership = Membership.objects.filter(community=community, user=actor).first()
        updated = Membership.objects.filter(
            community=community, user=actor, status=S.REQUESTED
        ).delete()[0]
        if not updated or membership is None:
            _refuse(_("You have no pending request for this community."))
        audit.record(
            "membership.request_cancelled",
            actor=actor,
            target=community,
            request=request,
            data={"user": actor.username, "membership": membership.pk},
        )


def membership_approve(*, actor: User, membership: Membership, request=None) -> Membership:
    """A manager accepts a join request."""
    community = membership.community
    if not community_rules.can_approve(actor, community):
        raise PermissionDenied
    with transaction.atomic():
        _lock(community)
        updated = Membership.objects.filter(pk=membership.pk, status=S.REQUESTED).update(
            status=S.ACTIVE, decided_by=actor, decided_at=timezone.now(), reason=""
        )
        navcounters.forget(membership.user_id)
        if not updated:
            _refuse(_("This request was already decided."))
        _count(community, +1)
        _record("membership.approved", actor=actor, membership=membership, request=request)
        notify(recipient=membership.user, kind="request_approved", actor=actor, community=community)
        record_activity(community)
        membership.refresh_from_db()
        member_joined.send(sender=Membership, membership=membership)
    return membership


def membership_reject(
    *, actor: User, membership: Membership, reason: str = "", request=None
) -> Membership:
    """A manager turns a join request down; the reason is shown to the requester."""
    community = membership.community
    if not community_rules.can_approve(actor, community):
        raise PermissionDenied
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, status=S.REQUESTED).update(
            status=S.REJECTED, decided_by=actor, decided_at=timezone.now(), reason=reason[:500]
        )
        navcounters.forget(membership.user_id)
        if not updated:
            _refuse(_("This request was already decided."))
        _record(
            "membership.rejected",
            actor=actor,
            membership=membership,
            request=request,
            reason=reason,
        )
    membership.refresh_from_db()
    return membership


# Leaving, removing, banning ---------------------------------------------------------


def _end_active(
    *, actor, membership: Membership, status: str, action: str, reason: str = "", request=None
) -> Membership:
    community = membership.community
    with transaction.atomic():
        _lock(community)
        if membership.role == R.MANAGER and not _other_active_managers(community, membership):
            _refuse(_("A community always keeps at least one manager: name another manager first."))
        updated = Membership.objects.filter(pk=membership.pk, status=S.ACTIVE).update(
            status=status,
            role=R.MEMBER,
            reason=reason[:500],
            decided_by=None if actor.pk == membership.user_id else actor,
            decided_at=timezone.now(),
        )
        navcounters.forget(membership.user_id)
        if not updated:
            _refuse(_("%(name)s is not a member any more.") % {"name": membership.user})
        _count(community, -1)
        _grant_role(actor=actor, membership=membership, role=R.MEMBER, request=request)
        _record(action, actor=actor, membership=membership, request=request, reason=reason)
        record_activity(community)
        membership.refresh_from_db()
        member_left.send(sender=Membership, membership=membership)
    return membership


def membership_leave(*, actor: User, community: Community, request=None) -> Membership:
    membership = Membership.objects.filter(community=community, user=actor).first()
    if membership is None or membership.status != S.ACTIVE:
        _refuse(_("You are not a member of this community."))
    return _end_active(
        actor=actor,
        membership=membership,
        status=S.LEFT,
        action="membership.left",
        request=request,
    )


def membership_remove(
    *, actor: User, membership: Membership, reason: str = "", request=None
) -> Membership:
    if not community_rules.can_manage(actor, membership.community):
        raise PermissionDenied
    return _end_active(
        actor=actor,
        membership=membership,
        status=S.REMOVED,
        action="membership.removed",
        reason=reason,
        request=request,
    )


def membership_ban(
    *, actor: User, membership: Membership, reason: str = "", request=None
) -> Membership:
    """A banned person cannot request or join again until unbanned. A pending request
    or invitation can be turned into a ban as well as an active membership."""
    community = membership.community
    if not community_rules.can_manage(actor, community):
        raise PermissionDenied
    if membership.user_id == actor.pk:
        _refuse(_("You cannot ban yourself."))
    if membership.status == S.ACTIVE:
        return _end_active(
            actor=actor,
            membership=membership,
            status=S.BANNED,
            action="membership.banned",
            reason=reason,
            request=request,
        )
    with transaction.atomic():
        updated = (
            Membership.objects.filter(pk=membership.pk)
            .exclude(status__in=[S.BANNED, S.ACTIVE])
            .update(
                status=S.BANNED,
                reason=reason[:500],
                decided_by=actor,
                decided_at=timezone.now(),
            )
        )
        navcounters.forget(membership.user_id)
        if not updated:
            _refuse(_("%(name)s is already banned.") % {"name": membership.user})
        _record(
            "membership.banned", actor=actor, membership=membership, request=request, reason=reason
        )
    membership.refresh_from_db()
    return membership


def membership_unban(*, actor: User, membership: Membership, request=None) -> Membership:
    if not community_rules.can_manage(actor, membership.community):
        raise PermissionDenied
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, status=S.BANNED).update(
            status=S.REMOVED, decided_by=actor, decided_at=timezone.now()
        )
        navcounters.forget(membership.user_id)
        if not updated:
            _refuse(_("%(name)s is not banned.") % {"name": membership.user})
        _record("membership.unbanned", actor=actor, membership=membership, request=request)
    membership.refresh_from_db()
    return membership


# Roles ------------------------------------------------------------------------------


def membership_set_role(
    *, actor: User, membership: Membership, role: str, request=None
) -> Membership:
    """Managers promote and demote; the last manager cannot be demoted."""
    community = membership.community
    if not community_rules.can_manage(actor, community):
        raise PermissionDenied
    if role not in R.values:
        _refuse(_("Choose a role from the list."))
    with transaction.atomic():
        _lock(community)
        current = Membership.objects.filter(pk=membership.pk, status=S.ACTIVE).first()
        if current is None:
            _refuse(_("%(name)s is not a member any more.") % {"name": membership.user})
        if current.role == role:
            _refuse(_("%(name)s already has this role.") % {"name": membership.user})
        if current.role == R.MANAGER and not _other_active_managers(community, current):
            _refuse(_("A community always keeps at least one manager: name another manager first."))
        updated = Membership.objects.filter(
            pk=membership.pk, status=S.ACTIVE, role=current.role
        ).update(role=role)
        navcounters.forget(membership.user_id)
        if not updated:
            _refuse(_("This role was changed meanwhile: reload the page."))
        membership.refresh_from_db()
        _grant_role(actor=actor, membership=membership, role=role, request=request)
        _record(
            "membership.role_changed",
            actor=actor,
            membership=membership,
            request=request,
            before=current.role,
            after=role,
        )
    return membership


# Suspended accounts -----------------------------------------------------------------


def memberships_suspend(*, user: User) -> list[Community]:
    """Freeze the active memberships of a suspended account (an external whose access
    lapsed): they stop counting and giving access, and `memberships_restore` brings
    them back as they were (role included) when the account is reactivated. Runs in
    the caller's transaction, which records why."""
    frozen = []
    for membership in Membership.objects.filter(user=user, status=S.ACTIVE).select_related(
        "community"
    ):
        _lock(membership.community)
        if Membership.objects.filter(pk=membership.pk, status=S.ACTIVE).update(status=S.SUSPENDED):
            navcounters.forget(user.pk)
            _count(membership.community, -1)
            frozen.append(membership.community)
    return frozen


def memberships_restore(*, user: User) -> list[Community]:
    """Thaw the memberships frozen by `memberships_suspend` (archived ones included:
    an archived community is read-only, not closed to its members)."""
    restored = []
    for membership in Membership.objects.filter(user=user, status=S.SUSPENDED).select_related(
        "community"
    ):
        _lock(membership.community)
        if Membership.objects.filter(pk=membership.pk, status=S.SUSPENDED).update(status=S.ACTIVE):
            navcounters.forget(user.pk)
            _count(membership.community, +1)
            restored.append(membership.community)
    return restored
