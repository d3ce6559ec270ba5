"""Writes about notifications.

`notify` is the only way to create one: it refuses to tell anyone about a post,
comment or community they may not see (DESIGN §3, rule 7), nor to tell people
about their own actions. When the recipient wants that kind by e-mail at once, it
schedules the e-mail once the transaction commits.

E-mails are sent at most once: a sender first claims the notification with a
conditional update of `emailed_at` (two workers never both win), re-checks access in
that same update, and gives the claim back if the mail server refuses the message
(so the retry can send it).
"""

import logging
from datetime import datetime, timedelta
from functools import partial
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from access.communities import is_discoverable_by
from access.posts import comments_readable_by, is_post_readable_by
from core import navcounters
from profiles.models import User

from . import emails, grouping, hooks, selectors
from .models import EmailMode, EmailSettings, Kind, Notification, NotificationPreference

logger = logging.getLogger(__name__)

# What the mail server may answer that is worth retrying later.
TRANSIENT_MAIL_ERRORS = (SMTPException, OSError)


def _may_see(recipient, *, community, post, comment) -> bool:
    if comment is not None and not comments_readable_by(recipient).filter(pk=comment.pk).exists():
        return False
    if post is not None and not is_post_readable_by(recipient, post):
        return False
    return community is None or is_discoverable_by(recipient, community)


# Publishing a task fails this way when the broker (Redis) is gone.
BROKER_ERRORS = (KombuOperationalError, RedisError, OSError)


def _schedule_email(notification_id: int) -> None:
    """Hand the e-mail to a worker, after the commit. A broker that is down does not
    turn the write that was just committed into an error: the notification row is the
    outbox, and `notification_emails_sweep` (every few minutes) sends what is left."""
    from .tasks import send_notification_email

    try:
        send_notification_email.delay(notification_id)
    except BROKER_ERRORS as exc:
        logger.warning("E-mail of notification %s left to the sweep: %s", notification_id, exc)


def notify(
    *,
    recipient,
    kind: Kind | str,
    actor=None,
    community=None,
    post=None,
    comment=None,
    data: dict | None = None,
) -> Notification | None:
    """Tell `recipient` about something. Returns None (and creates nothing) when the
    recipient is the actor, is no longer active, or may not see what it is about."""
    kind = Kind(kind)  # refuses a kind that does not exist
    if not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None
    if not _may_see(recipient, community=community, post=post, comment=comment):
        return None
    notification = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        community=community,
        post=post,
        comment=comment,
        data=data or {},
    )
    if selectors.email_mode_of(recipient, str(kind)) == EmailMode.IMMEDIATELY:
        transaction.on_commit(partial(_schedule_email, notification.pk))
    hooks.created(notification)
    return notification


# Reading ----------------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> bool:
    """Mark one of `actor`'s notifications read, with the other rows of the same news
    (the likes of the same post…: one group on the page). False if all already were."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    ids = grouping.same_news_ids(notification)
    navcounters.forget(actor.pk)
    return bool(
        Notification.objects.filter(pk__in=ids, recipient_id=actor.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def notifications_mark_all_read(*, actor, up_to: int) -> int:
    """Mark read all of `actor`'s notifications up to the id `up_to` (the newest one
    they were shown: one that arrived since stays unread). Returns how many."""
    navcounters.forget(actor.pk)
    return Notification.objects.filter(recipient=actor, read_at__isnull=True, pk__lte=up_to).update(
        read_at=timezone.now()
    )


# Preferences ------------------------------------------------------------------------


def preferences_update(*, actor, modes: dict[str, str], language: str) -> None:
    """Save `actor`'s e-mail choice for every kind, and the language of their e-mails."""
    unknown = set(modes) - set(Kind.values)
    if unknown or set(Kind.values) - set(modes):
        raise ValidationError(_("Choose an e-mail option for every kind of notification."))
    if any(mode not in EmailMode.values for mode in modes.values()):
        raise ValidationError(_("Choose one of the e-mail options offered."))
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Choose one of the languages offered."))
    with transaction.atomic():
        for kind, mode in modes.items():
            NotificationPreference.objects.update_or_create(
                user=actor, kind=kind, defaults={"email": mode}
            )
        EmailSettings.objects.update_or_create(user=actor, defaults={"language": language})


# E-mails ----------------------------------------------------------------------------


def _release(ids: list[int], stamp: datetime) -> None:
    """Give back a claim after the mail server refused: a retry may send again."""
    Notification.objects.filter(pk__in=ids, emailed_at=stamp).update(emailed_at=None)


def notification_email_send(*, notification_id: int, released: bool = False) -> bool:
    """Send the e-mail of one notification, if its recipient still wants it at once,
    is active and may still see what it is about. True when a mail left.

    Outside the recipient's working hours the delivery gate (quiet hours, registered
    by the alerts app) holds it instead; `released` is its own call, once the
    working period has begun."""
    found = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if found is None:
        return False
    recipient = found.recipient
    if not recipient.is_active or not recipient.email:
        return False
    if selectors.email_mode_of(recipient, found.kind) != EmailMode.IMMEDIATELY:
        return False
    if found.emailed_at is not None:
        return False
    if not released and not hooks.may_deliver_now(found, "email"):
        return False  # held: sent when the recipient's working period begins
    stamp = timezone.now()
    claimed = (
        selectors.notifications_visible_to(recipient)
        .filter(pk=notification_id, emailed_at__isnull=True)
        .update(emailed_at=stamp)
    )
    if not claimed:
        return False  # already sent (or being sent), or no longer visible
    item = Notification.objects.select_related(
        "actor", "community", "post", "post__community", "comment"
    ).get(pk=notification_id)
    message = emails.notification_message(
        recipient, item, language=selectors.email_language_of(recipient)
    )
    try:
        message.send()
    except TRANSIENT_MAIL_ERRORS:
        _release([notification_id], stamp)
        raise
    return True


def notification_emails_sweep(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Send the e-mails wanted at once that no worker sent: their task could not be
    published (broker down), or every retry failed. Only notifications older than
    NOTIFICATIONS_EMAIL_SWEEP_GRACE_MINUTES (their own task goes first) and younger than
    NOTIFICATIONS_EMAIL_SWEEP_MAX_HOURS (older news is left to the reader). Each is sent
    at most once (the claim of `notification_email_send`). Returns how many left."""
    now = now or timezone.now()
    pending = selectors.wanted_by_email(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now
            - timedelta(minutes=settings.NOTIFICATIONS_EMAIL_SWEEP_GRACE_MINUTES),
            created_at__gte=now - timedelta(hours=settings.NOTIFICATIONS_EMAIL_SWEEP_MAX_HOURS),
        ),
        EmailMode.IMMEDIATELY,
    )
    ids = list(pending.order_by("pk").values_list("pk", flat=True))
    if dry_run:
        return len(ids)
    sent = 0
    failure: Exception | None = None
    for notification_id in ids:
        try:
            sent += notification_email_send(notification_id=notification_id)
        except TRANSIENT_MAIL_ERRORS as exc:
            failure = exc
    if failure is not None:
        raise failure
    return sent


def digest_send(*, user, since: datetime, dry_run: bool = False) -> int:
    """Send `user` one e-mail listing their notifications of "daily" kinds since
    `since` not e-mailed yet, and mark them e-mailed. Returns how many it listed."""
    if not user.email:
        return 0
    items = list(selectors.digest_items_of(user, since))
    if dry_run or not items:
        return len(items)
    stamp = timezone.now()
    ids = [item.pk for item in items]
    Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=stamp)
    mine = set(
        Notification.objects.filter(pk__in=ids, emailed_at=stamp).values_list("pk", flat=True)
    )
    items = [item for item in items if item.pk in mine]
    if not items:
        return 0
    message = emails.digest_message(user, items, language=selectors.email_language_of(user))
    try:
        message.send()
    except TRANSIENT_MAIL_ERRORS:
        _release(list(mine), stamp)
        raise
    return len(items)


def digests_send(
    *, now: datetime | None = None, dry_run: bool = False, batch_size: int = 200
) -> list[tuple[str, int]]:
    """The daily digest: one e-mail per person with something to tell, people taken
    `batch_size` at a time, each person's e-mail its own small write (no long
    transaction). Returns (e-mail address, items) for each person e-mailed. If the mail
    server fails for someone, the others are still served, then the error is raised
    so the task retries (those already served are not e-mailed twice)."""
    since = (now or timezone.now()) - timedelta(days=1)
    sent: list[tuple[str, int]] = []
    failure: Exception | None = None
    after = 0
    while ids := selectors.digest_recipient_ids(since, after=after, limit=batch_size):
        after = ids[-1]
        for user in User.objects.filter(pk__in=ids, is_active=True).order_by("pk"):
            try:
                count = digest_send(user=user, since=since, dry_run=dry_run)
            except TRANSIENT_MAIL_ERRORS as exc:
                logger.warning("Digest for user %s not sent: %s", user.pk, exc)
                failure = exc
                continue
            if count:
                sent.append((user.email, count))
    if failure is not None:
        raise failure
    return sent
