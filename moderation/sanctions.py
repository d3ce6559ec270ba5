"""Sanctions: warnings, mutes (which end by themselves), exclusions from a community,
proposals of site-wide suspension — decided with a decision on a case, or alone."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import moderation as moderation_rules
from audit import services as audit
from charter.models import CharterSection
from communities import memberships
from communities.models import Community, Membership
from notifications.models import Kind
from notifications.services import notify

from .common import (
    cited_section,
    ensure_can_handle,
    record_event,
    refuse,
    report_reason,
    section_data,
)
from .models import Case, Sanction

K = Sanction.Kind


def _validate_sanction(
    *, actor, user, community: Community | None, kind: str, days, site_wide: bool
) -> tuple[Community | None, int | None]:
    """Check a sanction before anything is written. Returns (scope community, days)."""
    if kind not in K.values:
        refuse(_("Choose a sanction from the list."))
    if user.pk == actor.pk:
        refuse(_("You cannot sanction yourself."))
    if not moderation_rules.can_moderate_in(actor, community):
        raise PermissionDenied
    scope = community
    mute_days = None
    if kind == K.MUTE:
        try:
            mute_days = int(days)
        except (TypeError, ValueError):
            refuse(_("Give the length of the mute in days."))
        maximum = settings.MODERATION_MUTE_MAX_DAYS
        if not 1 <= mute_days <= maximum:
            refuse(_("A mute lasts from 1 to %(max)d days.") % {"max": maximum})
        if site_wide or community is None:
            if not moderation_rules.can_mute_site_wide(actor):
                raise PermissionDenied(_("Only site moderators mute site-wide."))
            scope = None
    elif kind == K.BAN and not moderation_rules.can_ban(actor, community):
        raise PermissionDenied(_("Only the community's managers exclude members."))
    return scope, mute_days


def _ban(*, actor, user, community: Community, reason: str, request=None) -> None:
    """Exclude through the communities service; someone who never joined (a free
    community) gets a banned membership row, audited the same way."""
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is not None:
        memberships.membership_ban(
            actor=actor, membership=membership, reason=reason, request=request
        )
        return
    membership = Membership.objects.create(
        community=community,
        user=user,
        status=Membership.Status.BANNED,
        decided_by=actor,
        decided_at=timezone.now(),
        reason=reason[:500],
    )
    audit.record(
        "membership.banned",
        actor=actor,
        target=community,
        request=request,
        data={"user": user.username, "reason": reason},
    )


def apply_sanction(
    *,
    actor,
    user,
    community: Community | None,
    kind: str,
    days,
    site_wide: bool,
    reason: CharterSection | None,
    message: str,
    case: Case | None,
    request=None,
) -> Sanction:
    scope, mute_days = _validate_sanction(
        actor=actor, user=user, community=community, kind=kind, days=days, site_wide=site_wide
    )
    now = timezone.now()
    sanction = Sanction.objects.create(
        user=user,
        kind=kind,
        community=scope,
        case=case,
        reason=reason,
        message=message,
        decided_by=actor,
        created_at=now,
        ends_at=now + timedelta(days=mute_days) if mute_days else None,
    )
    if kind == K.BAN:
        assert scope is not None
        _ban(actor=actor, user=user, community=scope, reason=message, request=request)
    data = {
        "sanction": kind,
        "user": user.username,
        "community": scope.slug if scope else "",
        "ends_at": sanction.ends_at.isoformat() if sanction.ends_at else "",
        **({"section": reason.number} if reason else {}),
    }
    audit.record("moderation.sanctioned", actor=actor, target=sanction, request=request, data=data)
    if case is not None:
        record_event(case, "sanctioned", actor=actor, sanction=kind, sanction_id=sanction.pk)
    if kind == K.SUSPENSION:
        for admin in get_user_model().objects.filter(is_superuser=True, is_active=True):
            notify(
                recipient=admin,
                kind=Kind.MODERATION,
                data={
                    "event": "suspension_proposed",
                    "sanction": sanction.pk,
                    "person": user.get_full_name() or user.get_username(),
                },
            )
    else:
        notify(
            recipient=user,
            kind=Kind.MODERATION,
            data={
                "event": "sanctioned",
                "sanction": kind,
                "sanction_id": sanction.pk,
                "community": scope.name if scope else "",
                "ends_at": data["ends_at"],
                "message": message,
                **section_data(reason),
            },
        )
    return sanction


def sanction_create(
    *,
    actor,
    user,
    community: Community | None,
    kind: str,
    reason=None,
    days=None,
    site_wide: bool = False,
    message: str = "",
    case: Case | None = None,
    request=None,
) -> Sanction:
    """A sanction decided alone (without a decision on content)."""
    section = report_reason(reason) if reason else None
    if section is not None:
        section = cited_section(section, user)
    if case is not None:
        ensure_can_handle(actor, case)
        if case.author_id != user.pk or case.community_id != (community and community.pk):
            raise PermissionDenied
    with transaction.atomic():
        return apply_sanction(
            actor=actor,
            user=user,
            community=community,
            kind=kind,
            days=days,
            site_wide=site_wide,
            reason=section,
            message=message.strip()[:2000],
            case=case,
            request=request,
        )


def end_expired_mutes(*, now=None, dry_run: bool = False, client: str = "job") -> int:
    """Mark lapsed mutes as ended, each with an audit entry. The mute already stopped
    at its end date (is_muted compares with now); this keeps the record plain.
    Idempotent: a mute is ended once."""
    now = now or timezone.now()
    lapsed = Sanction.objects.filter(kind=K.MUTE, ended_at__isnull=True, ends_at__lte=now)
    if dry_run:
        return lapsed.count()
    ended = 0
    for sanction in lapsed.select_related("user").order_by("ends_at", "pk").iterator():
        with transaction.atomic():
            if not Sanction.objects.filter(pk=sanction.pk, ended_at__isnull=True).update(
                ended_at=sanction.ends_at
            ):
                continue
            audit.record(
                "moderation.mute_ended",
                target=sanction,
                actor_label="system",
                client=client,
                data={"user": sanction.user.username, "ends_at": sanction.ends_at},
            )
            ended += 1
    return ended
