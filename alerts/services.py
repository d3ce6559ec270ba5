"""Writes about alerts: alert levels, and the fan-out of a post's alerts.

A new post (or an announcement) is told to its recipients by a Celery task scheduled
when the post's transaction commits — never in the request. The task writes the
notifications in batches of RSE_ALERTS_BATCH_SIZE people, each batch its own
transaction; the reading rule is applied to each batch when it is written (someone
removed between the post and the batch gets nothing), and again by the notification
selectors when anything is shown, counted, e-mailed or pushed.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from taggit.models import Tag

from access.communities import is_readable_by
from access.posts import tags_readable_by
from communities.models import Community
from notifications.models import (
    DEFAULT_EMAIL,
    EmailMode,
    Kind,
    Notification,
    NotificationPreference,
)
from notifications.services import BROKER_ERRORS
from notifications.tasks import send_notification_email
from posts.models import Post

from . import push, selectors
from .models import CommunityAlert, Fanout, Level, TagAlert

logger = logging.getLogger(__name__)

# Levels ------------------------------------------------------------------------------


def _check_level(level: str) -> None:
    if level not in Level.values:
        raise ValidationError(_("Choose one of the alert options offered."))


def community_level_set(*, actor, community: Community, level: str) -> CommunityAlert:
    """Choose what `actor` is alerted of in a community they may read."""
    _check_level(level)
    if not is_readable_by(actor, community):
        raise PermissionDenied
    alert, _created = CommunityAlert.objects.update_or_create(
        user=actor, community=community, defaults={"level": level}
    )
    return alert


def tag_level_set(*, actor, tag: Tag, level: str) -> TagAlert:
    """Choose what `actor` is alerted of for a tag they may see."""
    _check_level(level)
    if not tags_readable_by(actor).filter(pk=tag.pk).exists():
        raise PermissionDenied
    alert, _created = TagAlert.objects.update_or_create(
        user=actor, tag=tag, defaults={"level": level}
    )
    return alert


def alert_levels_update(*, actor, communities: dict[int, str], tags: dict[int, str]) -> None:
    """Save the levels of the preference page in one transaction: all or nothing."""
    for level in [*communities.values(), *tags.values()]:
        _check_level(level)
    with transaction.atomic():
        for community in Community.objects.filter(pk__in=communities):
            community_level_set(actor=actor, community=community, level=communities[community.pk])
        for tag in Tag.objects.filter(pk__in=tags):
            tag_level_set(actor=actor, tag=tag, level=tags[tag.pk])


# Fan-out -----------------------------------------------------------------------------


def _schedule_fanout(post_id: int, kind: str) -> None:
    """After the commit. A broker that is down must not turn the published post into an
    error page: the fan-out is then skipped and logged (README, "Alerts": limits)."""
    from .tasks import fan_out

    try:
        fan_out.delay(post_id, kind)
    except BROKER_ERRORS as exc:
        logger.warning("Alerts of post %s not sent, the broker is down: %s", post_id, exc)


def fanout_schedule(*, post: Post, kind: str = Kind.NEW_POST) -> None:
    """Called inside the transaction that published (or announced) the post."""
    transaction.on_commit(partial(_schedule_fanout, post.pk, str(kind)))


def _immediate_ids(user_ids: list[int], kind: str) -> set[int]:
    """Those of `user_ids` who want `kind` by e-mail at once (one query)."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "email"
        )
    )
    default = DEFAULT_EMAIL.get(kind, EmailMode.NEVER)
    return {pk for pk in user_ids if chosen.get(pk, default) == EmailMode.IMMEDIATELY}


def fanout_batch(*, post_id: int, kind: str, batch_size: int | None = None) -> int | None:
    """Write one batch of a post's alerts, in one transaction. Returns how many were
    written, or None when the fan-out is over (nothing left, or the post gone)."""
    size = batch_size or settings.RSE_ALERTS_BATCH_SIZE
    post = Post.objects.select_related("community").filter(pk=post_id).first()
    if post is None:
        return None
    try:
        with transaction.atomic():
            Fanout.objects.get_or_create(post=post, kind=kind)
    except IntegrityError:
        pass  # another worker made it at the same moment
    with transaction.atomic():
        fanout = Fanout.objects.select_for_update().get(post=post, kind=kind)
        if fanout.finished_at is not None:
            return None
        ids = list(
            selectors.recipients_of(post, kind)
            .filter(pk__gt=fanout.after)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            fanout.finished_at = timezone.now()
            fanout.save(update_fields=["finished_at"])
            return None
        data = {"urgent": True} if kind == Kind.ANNOUNCEMENT and _is_urgent(post) else {}
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=pk,
                    kind=kind,
                    actor_id=post.author_id,
                    community_id=post.community_id,
                    post_id=post.pk,
                    data=data,
                )
                for pk in ids
            ]
        )
        immediate = _immediate_ids(ids, kind)
        for notification in notifications:
            if notification.recipient_id in immediate:
                transaction.on_commit(partial(send_notification_email.delay, notification.pk))
        push.schedule_many(notifications)
        fanout.after = ids[-1]
        fanout.sent += len(ids)
        fanout.batches += 1
        fanout.save(update_fields=["after", "sent", "batches"])
    return len(ids)


def _is_urgent(post: Post) -> bool:
    from .models import Pin

    return Pin.objects.filter(post=post, urgent=True, lifted_at__isnull=True).exists()


def fanout_run(*, post_id: int, kind: str, batch_size: int | None = None) -> int:
    """All the batches of a post's alerts; returns how many were written. Safe to run
    twice or to resume after being killed (the cursor is committed with each batch)."""
    total = 0
    while (written := fanout_batch(post_id=post_id, kind=kind, batch_size=batch_size)) is not None:
        total += written
    return total
