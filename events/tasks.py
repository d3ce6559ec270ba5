"""Celery tasks: thin wrappers over the services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def send_event_reminders() -> int:
    """Remind the attendees of the events starting within a day (idempotent)."""
    return len(services.event_reminders_send())
