from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import integrity, services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ConnectionError, OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def purge_expired_entries() -> int:
    """Daily: remove audit entries past AUDIT_RETENTION_DAYS (idempotent, batched)."""
    return services.purge_expired(client="job").purged


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ConnectionError, OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def anchor_head() -> int:
    """Hourly: write the signed head of the audit chain outside the database."""
    return integrity.anchor_head().sequence
