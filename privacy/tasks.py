"""Celery task: build an archive of personal data (a thin wrapper over the service)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="privacy.tasks.build_data_export",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=5,
)
def build_data_export(export_id: int) -> bool:
    """Build the archive `export_id` once (a second delivery finds it claimed)."""
    return services.export_build(export_id=export_id) is not None
