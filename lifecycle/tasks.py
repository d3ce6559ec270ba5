"""Celery tasks: thin wrappers over the jobs (see lifecycle/jobs.py).

Each run is idempotent; the message is acknowledged only once the job has finished
(acks_late) and goes back to the queue if the worker dies (reject_on_worker_lost), so
a killed run is simply run again. Database hiccups are retried with backoff.
"""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import jobs

logger = logging.getLogger(__name__)


@shared_task(
    name="lifecycle.tasks.run_job",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=5,
)
def run_job(name: str, dry_run: bool = False) -> dict:
    """Run the lifecycle job `name` once; returns what it did, by kind of action."""
    report = jobs.run(name, dry_run=dry_run)
    logger.info(report.summary())
    return dict(report.counts)
