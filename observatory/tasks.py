"""Celery task: the nightly rollup (a thin wrapper over observatory.rollup).

Idempotent and resumable: acknowledged once finished (acks_late) and back in the
queue if the worker dies; the next run carries on after the last committed batch.
"""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import rollup

logger = logging.getLogger(__name__)


@shared_task(
    name="observatory.tasks.rollup",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    retry_jitter=True,
    max_retries=5,
)
def rollup_pending() -> list[str]:
    """Roll up every day not rolled up yet, up to yesterday (local time)."""
    today = timezone.localdate()
    done = []
    for result in rollup.rollup_range(rollup.pending_days(today)):
        logger.info(
            "observatory rollup %s: %s communities, %s batches",
            result.day,
            result.communities,
            result.batches,
        )
        done.append(result.day.isoformat())
    stale = rollup.purge_stale(today)
    if stale:
        logger.warning("observatory: %s readings too old to roll up, deleted", stale)
    return done
