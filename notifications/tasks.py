"""Celery tasks: thin wrappers over the services (ids in, fresh state loaded)."""

import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=services.TRANSIENT_MAIL_ERRORS,
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification at once (idempotent: sent at most once)."""
    return services.notification_email_send(notification_id=notification_id)


@shared_task(
    acks_late=True,
    autoretry_for=services.TRANSIENT_MAIL_ERRORS,
    retry_backoff=300,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=5,
)
def send_daily_digests() -> int:
    """The daily digest of notifications (idempotent: each item is e-mailed once).
    Returns how many people were e-mailed."""
    return len(services.digests_send())


@shared_task(acks_late=True)
def send_pending_emails() -> int:
    """The outbox sweep: e-mails wanted at once that no worker sent (beat, every
    NOTIFICATIONS_EMAIL_SWEEP_MINUTES). A mail server still failing is left for the
    next sweep. Returns how many left."""
    try:
        return services.notification_emails_sweep()
    except services.TRANSIENT_MAIL_ERRORS as exc:
        logger.warning("E-mail sweep: the mail server refused, the rest waits: %s", exc)
        return 0
