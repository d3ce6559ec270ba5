"""Celery tasks: thin wrappers over the services (ids in, fresh state loaded)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def deliver(delivery_id: int) -> str | None:
    """The first attempt at a delivery, as soon as its event has committed."""
    return services.delivery_attempt(delivery_id=delivery_id)


@shared_task(acks_late=True)
def deliveries_due() -> int:
    """Retries whose backoff has elapsed, and first attempts lost with the broker."""
    return services.deliveries_due()


@shared_task(acks_late=True)
def deliveries_purge() -> int:
    """The delivery log is kept RSE_WEBHOOKS_LOG_DAYS."""
    return services.deliveries_purge()
