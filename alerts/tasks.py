"""Celery tasks: thin wrappers over the services (ids in, fresh state loaded)."""

from celery import shared_task

from . import push, quiet, reminders, services


@shared_task(acks_late=True)
def fan_out(post_id: int, kind: str) -> int:
    """Write a post's alerts in batches (idempotent: resumes from its cursor)."""
    return services.fanout_run(post_id=post_id, kind=kind)


@shared_task(acks_late=True)
def release_held() -> int:
    """Send the e-mails held outside working hours whose working period has begun."""
    return quiet.held_release()


@shared_task(acks_late=True)
def remind_expiring_requests() -> int:
    """Remind managers of join requests about to expire (once per request)."""
    return reminders.requests_remind()


@shared_task(acks_late=True)
def push_notification(notification_id: int) -> int:
    """Push one notification to its recipient's devices (at most once)."""
    return push.notification_push_send(notification_id=notification_id)
