"""Celery task: a thin wrapper over `services.notices_send` (idempotent: each notice of
a consultation is claimed by a conditional update before anyone is told)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="consultation.tasks.send_notices",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=30,
    max_retries=5,
)
def send_notices() -> dict:
    return services.notices_send()
