"""Writes about communities: one function per business action.

Each one checks the permission, changes the state with a conditional update (so a
double submission changes nothing twice), keeps the stored member counter right,
keeps guardian rights in step with roles and writes the audit entry — in one
transaction.
"""

import secrets
from datetime import timedelta
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from access import communities as community_rules
from access import viewer as viewer_rules
from audit import services as audit
from charter.permissions import ensure_charter_accepted
from core.notices import notify
from profiles.models import User

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
        if not updated:
            _refuse(_("This community is already archived."))
        audit.record("community.archived", actor=actor, target=community, request=request)
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


# Joining ----------------------------------------------------------------------------


def _reopen_or_create(community: Community, user: User, **fields) -> Membership | None:
    """Turn a finished membership back into a live one, or create it. None when the
    person already holds a live one (someone was quicker: a double submission)."""
    updated = Membership.objects.filter(
        community=community, user=user, status__in=REOPENABLE
    ).update(**fields)
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
        if not updated:
            _refuse(_("This request was already decided."))
        _count(community, +1)
        _record("membership.approved", actor=actor, membership=membership, request=request)
        notify(recipient=membership.user, kind="request_approved", actor=actor, community=community)
        record_activity(community)
    membership.refresh_from_db()
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


# Invitations ------------------------------------------------------------------------


def membership_invite(
    *, actor: User, community: Community, user: User, message: str = "", request=None
) -> Membership:
    """A manager invites a person; they accept or decline before the invitation expires.

    Externals only into closed communities, and only with an employee sponsor.
    """
    if not community_rules.can_invite(actor, community):
        raise PermissionDenied
    if not user.is_active:
        _refuse(_("%(name)s no longer has an account.") % {"name": user})
    if user.kind == User.Kind.EXTERNAL:
        if community.access != Community.Access.CLOSED:
            _refuse(_("External members can only be invited into closed communities."))
        if user.sponsor is None or user.sponsor.kind != User.Kind.EMPLOYEE:
            _refuse(_("An external member needs an employee sponsor before being invited."))
    existing = Membership.objects.filter(community=community, user=user).first()
    if existing is not None:
        refusals: dict[str, str] = {
            S.ACTIVE: _("%(name)s is already a member of this community."),
            S.REQUESTED: _("%(name)s has asked to join: approve their request instead."),
            S.BANNED: _("%(name)s is banned from this community: unban them first."),
        }
        if existing.status in refusals:
            _refuse(refusals[existing.status] % {"name": user})
        if (
            existing.status == S.INVITED
            and existing.expires_at is not None
            and existing.expires_at > timezone.now()
        ):
            _refuse(_("%(name)s is already invited.") % {"name": user})
    expires = timezone.now() + timedelta(days=settings.COMMUNITY_INVITATION_DAYS)
    fields = {
        "status": S.INVITED,
        "role": R.MEMBER,
        "invited_by": actor,
        "message": message[:500],
        "expires_at": expires,
        "reason": "",
        "decided_by": None,
        "decided_at": None,
    }
    with transaction.atomic():
        updated = Membership.objects.filter(
            community=community, user=user, status__in=[*REOPENABLE, S.INVITED]
        ).update(**fields)
        if not updated:
            try:
                with transaction.atomic():
                    Membership.objects.create(community=community, user=user, **fields)
            except IntegrityError:
                _refuse(_("%(name)s is already invited.") % {"name": user})
        membership = Membership.objects.select_related("user", "community").get(
            community=community, user=user
        )
        _record(
            "membership.invited",
            actor=actor,
            membership=membership,
            request=request,
            expires_at=expires.isoformat(),
        )
        notify(recipient=user, kind="invited", actor=actor, community=community)
    return membership


def _pending_invitation(actor: User, community: Community) -> Membership:
    membership = Membership.objects.filter(
        community=community, user=actor, status=S.INVITED
    ).first()
    if membership is None:
        _refuse(_("You have no pending invitation to this community."))
    if membership.expires_at is None or membership.expires_at <= timezone.now():
        _refuse(_("This invitation has expired: ask a manager to invite you again."))
    return membership


def invitation_accept(*, actor: User, community: Community, request=None) -> Membership:
    ensure_charter_accepted(actor)
    if community.is_archived:
        _refuse(_("This community is archived: nobody can join it."))
    membership = _pending_invitation(actor, community)
    with transaction.atomic():
        _lock(community)
        updated = Membership.objects.filter(
            pk=membership.pk, status=S.INVITED, expires_at__gt=timezone.now()
        ).update(status=S.ACTIVE, decided_at=timezone.now())
        if not updated:
            _refuse(_("This invitation was already answered."))
        _count(community, +1)
        _record(
            "membership.invitation_accepted", actor=actor, membership=membership, request=request
        )
        record_activity(community)
    membership.refresh_from_db()
    return membership


def invitation_decline(*, actor: User, community: Community, request=None) -> Membership:
    membership = _pending_invitation(actor, community)
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, status=S.INVITED).update(
            status=S.DECLINED, decided_at=timezone.now()
        )
        if not updated:
            _refuse(_("This invitation was already answered."))
        _record(
            "membership.invitation_declined", actor=actor, membership=membership, request=request
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
        if not updated:
            _refuse(_("%(name)s is not a member any more.") % {"name": membership.user})
        _count(community, -1)
        _grant_role(actor=actor, membership=membership, role=R.MEMBER, request=request)
        _record(action, actor=actor, membership=membership, request=request, reason=reason)
        record_activity(community)
    membership.refresh_from_db()
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
            _count(membership.community, +1)
            restored.append(membership.community)
    return restored
