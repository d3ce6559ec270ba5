from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def purge_expired_entries() -> int:
    """Daily: remove audit entries past AUDIT_RETENTION_DAYS (idempotent, batched)."""
    return services.purge_expired(client="job").purged
