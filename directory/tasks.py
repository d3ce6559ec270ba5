"""Celery tasks: thin wrappers over the directory services."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from ldap3.core.exceptions import LDAPCommunicationError

from .ldap import ldap_sync as run_ldap_sync

logger = logging.getLogger(__name__)


@shared_task(
    name="directory.tasks.ldap_sync",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError, LDAPCommunicationError),
    retry_backoff=30,
    retry_backoff_max=15 * 60,
    max_retries=5,
)
def ldap_sync() -> dict:
    """The scheduled LDAP sync (every LDAP_SYNC_MINUTES when LDAP_URL is set)."""
    report = run_ldap_sync(audit_client="job")
    logger.info("LDAP sync: %s changes, %s errors", report.total, len(report.errors))
    return {"changes": report.total, "errors": len(report.errors)}
