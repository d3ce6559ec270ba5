"""Writes about pinned posts and announcements.

A manager announces a post of their community (or pins up to RSE_PINS_PER_COMMUNITY
ordinary ones); a member of the communications group announces one of their profile
posts to every employee. An announcement is pinned until it expires, is lifted, or
each reader dismisses it; it notifies every reader once (a fan-out task) and counts
who saw it. Only site administrators mark one urgent (delivered outside working
hours): audited. Pins of an archived community are lifted with it.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from access import roles
from access.viewer import as_viewer
from audit import services as audit
from communities.models import Community
from notifications.models import Kind
from posts.models import Post
from profiles.models import User

from . import permissions, services
from .models import Pin, Receipt


def _audience_size(post: Post) -> int:
    if post.community_id is None:
        return User.objects.filter(is_active=True, kind=roles.EMPLOYEE).count()
    return Community.objects.values_list("members_count", flat=True).get(pk=post.community_id)


def announcement_publish(
    *,
    actor,
    post: Post,
    urgent: bool = False,
    expires_at: datetime | None = None,
    request=None,
) -> Pin:
    """Announce `post`: pinned, told to every reader once. `actor`: a user or a viewer."""
    viewer = as_viewer(actor)
    actor = viewer.user
    if not permissions.can_announce(viewer, post):
        raise PermissionDenied(_("You cannot announce this post."))
    if urgent and not permissions.can_mark_urgent(viewer):
        raise PermissionDenied(_("Only site administrators may mark an announcement urgent."))
    now = timezone.now()
    if expires_at is None:
        expires_at = now + timedelta(days=settings.RSE_ANNOUNCEMENT_DAYS)
    if expires_at <= now:
        raise ValidationError(_("The end of the announcement must be in the future."))
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()
        if Pin.objects.filter(post=post, lifted_at__isnull=True).exists():
            raise ValidationError(_("This post is already pinned or announced."))
        Pin.objects.filter(post=post).delete()  # an earlier, lifted pin
        pin = Pin.objects.create(
            post=post,
            community_id=post.community_id,
            kind=Pin.Kind.ANNOUNCEMENT,
            urgent=urgent,
            pinned_by=actor,
            expires_at=expires_at,
            audience_size=_audience_size(post),
        )
        data = {
            "post": post.pk,
            "until": expires_at.isoformat(),
            "site_wide": pin.community_id is None,
        }
        audit.record("announcement.published", actor=actor, target=pin, request=request, data=data)
        if urgent:
            audit.record("announcement.urgent", actor=actor, target=pin, request=request, data=data)
        services.fanout_schedule(post=post, kind=Kind.ANNOUNCEMENT)
    return pin


def pin_create(*, actor, post: Post, request=None) -> Pin:
    """Pin an ordinary post at the top of its community (at most RSE_PINS_PER_COMMUNITY)."""
    viewer = as_viewer(actor)
    actor = viewer.user
    if not permissions.can_pin(viewer, post):
        raise PermissionDenied(_("You cannot pin this post."))
    community = post.community
    assert community is not None  # can_pin says so
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()
        live = Pin.objects.filter(community=community, lifted_at__isnull=True)
        if live.filter(post=post).exists():
            raise ValidationError(_("This post is already pinned or announced."))
        limit = settings.RSE_PINS_PER_COMMUNITY
        if live.filter(kind=Pin.Kind.PINNED).count() >= limit:
            raise ValidationError(
                _("At most %(limit)s posts may be pinned: unpin one first.") % {"limit": limit}
            )
        Pin.objects.filter(post=post).delete()
        try:
            pin = Pin.objects.create(
                post=post, community_id=post.community_id, kind=Pin.Kind.PINNED, pinned_by=actor
            )
        except IntegrityError as exc:
            raise ValidationError(_("This post is already pinned or announced.")) from exc
        audit.record(
            "pin.created", actor=actor, target=pin, request=request, data={"post": post.pk}
        )
    return pin


def pin_lift(*, actor, pin: Pin, request=None) -> None:
    """Unpin a post or end an announcement (same people who may pin or announce)."""
    viewer = as_viewer(actor)
    actor = viewer.user
    allowed = (
        permissions.can_announce(viewer, pin.post)
        if pin.is_announcement
        else permissions.can_pin(viewer, pin.post)
    )
    if not allowed:
        raise PermissionDenied
    with transaction.atomic():
        if not Pin.objects.filter(pk=pin.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now()
        ):
            raise ValidationError(_("This post is no longer pinned."))
        action = "announcement.lifted" if pin.is_announcement else "pin.lifted"
        audit.record(action, actor=actor, target=pin, request=request, data={"post": pin.post_id})


def pins_lift_archived(*, community: Community) -> int:
    """An archived community's pins and announcements are lifted (within the archive's
    transaction, which writes its own audit entry)."""
    lifted = Pin.objects.filter(community=community, lifted_at__isnull=True).update(
        lifted_at=timezone.now()
    )
    if lifted:
        audit.record(
            "pin.lifted",
            target=community,
            actor_label="system",
            data={"reason": "community archived", "pins": lifted},
        )
    return lifted


def receipts_record(*, user, pins: list[Pin]) -> None:
    """`user` was shown these announcements: one receipt each, counted once."""
    for pin in pins:
        if not pin.is_announcement:
            continue
        try:
            with transaction.atomic():
                Receipt.objects.create(pin=pin, user=user)
                Pin.objects.filter(pk=pin.pk).update(seen_count=F("seen_count") + 1)
        except IntegrityError:
            continue  # seen already (another tab was quicker)


def announcement_dismiss(*, actor, pin: Pin) -> None:
    """`actor` hides an announcement from their pages (it counts as seen)."""
    receipts_record(user=actor, pins=[pin])
    Receipt.objects.filter(pin=pin, user=actor, dismissed_at__isnull=True).update(
        dismissed_at=timezone.now()
    )
