"""Web Push: phones and browsers told of the notifications a person chose.

A person subscribes a device from the settings page (the browser gives an endpoint at
its push service and two keys); each notification of a kind they want pushed is sent
by the Celery task `alerts.tasks.push_notification` once its transaction commits. At
send time the task checks again that the person is active, may still see what the
notification is about (the notifications selector) and is within working hours (else
it is held like an e-mail). The payload holds the notification's one-line sentence
(who, where) and its link — never a post's text — encrypted for the device (RFC 8291,
aes128gcm) and signed with the site's VAPID key (RFC 8292), by pywebpush.
"""

import base64
import binascii
import json
import logging
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pywebpush import WebPushException, webpush

from notifications import hooks
from notifications import selectors as notification_selectors
from notifications.models import Kind, Notification
from notifications.rendering import as_text, render_notification
from notifications.services import BROKER_ERRORS

from .models import PushLog, PushSettings, PushSubscription

logger = logging.getLogger(__name__)

# Pushed unless the person chose otherwise: what asks for an answer or matters now.
DEFAULT_PUSH_KINDS = frozenset(
    {
        Kind.MENTIONED,
        Kind.INVITED,
        Kind.ANNOUNCEMENT,
        Kind.JOIN_REQUESTED,
        Kind.REQUEST_EXPIRING,
        Kind.REPORT_FILED,
        Kind.APPEAL_FILED,
    }
)


def is_configured() -> bool:
    return bool(settings.RSE_VAPID_PUBLIC_KEY and settings.RSE_VAPID_PRIVATE_KEY)


# Choices -----------------------------------------------------------------------------


def push_kinds_of(user) -> set[str]:
    row = PushSettings.objects.filter(user=user).values_list("kinds", flat=True).first()
    return set(row) if row is not None else {str(k) for k in DEFAULT_PUSH_KINDS}


def push_kinds_set(*, actor, kinds: list[str]) -> PushSettings:
    if set(kinds) - set(Kind.values):
        raise ValidationError(_("Choose kinds of notification from the list."))
    row, _created = PushSettings.objects.update_or_create(
        user=actor, defaults={"kinds": sorted(set(kinds))}
    )
    return row


def _b64(value: str, size: int, message: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(message) from exc
    if len(raw) != size:
        raise ValidationError(message)
    return value


def subscription_add(
    *, actor, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Register a device of `actor`. The endpoint must be an https address (or one of
    RSE_PUSH_INSECURE_HOSTS); the keys a P-256 public key and a 16-byte secret. A
    device that was someone else's (a shared browser) becomes `actor`'s."""
    if not is_configured():
        raise ValidationError(_("Push notifications are not set up on this site."))
    parts = urlsplit(endpoint or "")
    secure = parts.scheme == "https" and parts.hostname
    insecure_ok = parts.scheme == "http" and parts.hostname in settings.RSE_PUSH_INSECURE_HOSTS
    if not (secure or insecure_ok) or len(endpoint) > 1000:
        raise ValidationError(_("This device gave an address that is not a push service."))
    _b64(p256dh or "", 65, _("This device gave an invalid key."))
    _b64(auth or "", 16, _("This device gave an invalid key."))
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": actor, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
    )
    return subscription


def subscription_revoke(*, actor, subscription: PushSubscription) -> None:
    if subscription.user_id != actor.pk:
        raise PermissionDenied
    subscription.delete()


# Scheduling --------------------------------------------------------------------------


def _schedule(notification_id: int) -> None:
    """After the commit; a broker that is down skips the push (logged), not the write."""
    from .tasks import push_notification

    try:
        push_notification.delay(notification_id)
    except BROKER_ERRORS as exc:
        logger.warning("Push of notification %s not sent (broker down): %s", notification_id, exc)


def wanted_ids(user_ids: list[int], kind: str) -> set[int]:
    """Those of `user_ids` with a device who want `kind` pushed (two queries)."""
    if not is_configured():
        return set()
    with_device = set(
        PushSubscription.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )
    if not with_device:
        return set()
    chosen = dict(
        PushSettings.objects.filter(user_id__in=with_device).values_list("user_id", "kinds")
    )
    default = kind in DEFAULT_PUSH_KINDS
    return {pk for pk in with_device if (kind in chosen[pk] if pk in chosen else default)}


def schedule_many(notifications: list[Notification]) -> None:
    """Inside the transaction that created them: push those wanted, once it commits."""
    by_kind: dict[str, list[Notification]] = {}
    for n in notifications:
        by_kind.setdefault(n.kind, []).append(n)
    for kind, items in by_kind.items():
        wanted = wanted_ids([n.recipient_id for n in items], kind)
        for n in items:
            if n.recipient_id in wanted:
                transaction.on_commit(partial(_schedule, n.pk))


def on_created(notification: Notification) -> None:
    """Registered with `notifications.hooks` for each notification `notify` creates."""
    schedule_many([notification])


# Sending -----------------------------------------------------------------------------


def payload_of(n: Notification, language: str) -> dict:
    """What the device shows: the notification's sentence (who, where — the post's
    text is never in it) and its link, which marks it read."""
    with translation.override(language):
        return {
            "id": n.pk,
            "title": settings.RSE_SITE_NAME,
            "body": as_text(render_notification(n, "")),
            "url": n.get_absolute_url(),
            "urgent": bool((n.data or {}).get("urgent")),
        }


def notification_push_send(*, notification_id: int, released: bool = False) -> int:
    """Push one notification to its recipient's devices, if still wanted and visible.
    Returns how many devices took it. A device whose push service says it is gone
    (404, 410) is forgotten."""
    if not is_configured():
        return 0
    n = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if n is None or not n.recipient.is_active:
        return 0
    recipient = n.recipient
    if n.kind not in push_kinds_of(recipient):
        return 0
    visible = notification_selectors.notifications_visible_to(recipient).filter(pk=n.pk)
    if not visible.exists():
        return 0  # no longer readable: nothing leaves
    if PushLog.objects.filter(notification=n).exists():
        return 0
    if not released and not hooks.may_deliver_now(n, "push"):
        return 0  # held: pushed when the working period begins
    try:
        with transaction.atomic():
            log = PushLog.objects.create(notification=n)
    except IntegrityError:
        return 0  # another worker pushes it
    item = (
        notification_selectors.notifications_visible_to(recipient)
        .select_related("actor", "community", "post", "post__community", "comment")
        .get(pk=n.pk)
    )
    data = json.dumps(payload_of(item, notification_selectors.email_language_of(recipient)))
    reached = 0
    for subscription in PushSubscription.objects.filter(user=recipient):
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=data,
                vapid_private_key=settings.RSE_VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.RSE_VAPID_SUBJECT},
                ttl=settings.RSE_PUSH_TTL_SECONDS,
                timeout=10,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):
                subscription.delete()
            else:
                logger.warning("Push to subscription %s failed: %s", subscription.pk, exc)
            continue
        reached += 1
        PushSubscription.objects.filter(pk=subscription.pk).update(last_push_at=timezone.now())
    PushLog.objects.filter(pk=log.pk).update(devices=reached)
    return reached
