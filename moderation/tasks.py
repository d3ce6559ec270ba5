from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def end_expired_mutes() -> int:
    """Every 15 minutes: mark mutes past their end date as ended (idempotent)."""
    return services.end_expired_mutes(client="job")
