"""Health checks for a load balancer (alive vs ready), the 503 page of a database that
is restarting, and the outbox of immediate e-mails whose task could not be published.

The same behaviours against real services that are stopped and started again are in
tests/test_faults.py (private PostgreSQL and Redis)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from notifications import services as notification_services
from notifications.models import EmailMode, Kind, Notification, NotificationPreference
from notifications.tasks import send_notification_email

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_alive_touches_no_service_even_for_a_signed_in_person(
    client, employee, django_assert_num_queries
):
    client.force_login(employee)
    with (
        django_assert_num_queries(0),
        mock.patch("rse.health.database_state", side_effect=AssertionError),
    ):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["Cache-Control"].startswith("max-age=0")


@override_settings(
    CELERY_TASK_ALWAYS_EAGER=True,
    CELERY_BROKER_URL="memory://",
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)  # the embedded mode, whatever REDIS_URL says
def test_ready_lists_database_cache_and_broker(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "local",
        "broker": "not configured",
    }


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
)
def test_ready_says_when_the_shared_cache_is_gone_though_pages_ignore_it(client, employee):
    from django.core.cache import caches

    caches._settings = None  # type: ignore[attr-defined]
    try:
        response = client.get("/healthz/ready")
        assert response.status_code == 503
        assert response.json()["cache"].startswith("error")
        assert caches["default"].get("anything") is None  # a miss, not an error
        client.force_login(employee)
        assert client.get("/").status_code == 200
    finally:
        caches._settings = None  # type: ignore[attr-defined]


def test_a_database_that_is_gone_answers_the_503_page_in_the_persons_language(employee):
    browser = Client(raise_request_exception=False)
    with mock.patch(
        "posts.pages.render_stream", side_effect=OperationalError("server closed the connection")
    ):
        browser.force_login(employee)
        response = browser.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    assert '<html lang="fr">' in page and "momentanément indisponible" in page


def test_another_error_keeps_the_500_page(employee):
    browser = Client(raise_request_exception=False)
    with mock.patch("posts.pages.render_stream", side_effect=ZeroDivisionError):
        browser.force_login(employee)
        response = browser.get("/")
    assert response.status_code == 500


def _immediate_notification(**extra) -> Notification:
    recipient = UserFactory()
    NotificationPreference.objects.create(
        user=recipient, kind=Kind.FOLLOWED, email=EmailMode.IMMEDIATELY
    )
    return Notification.objects.create(
        recipient=recipient, kind=Kind.FOLLOWED, actor=UserFactory(), **extra
    )


def test_a_broker_down_leaves_the_email_to_the_sweep_without_failing_the_write(mailoutbox, caplog):
    with mock.patch.object(
        send_notification_email, "delay", side_effect=KombuOperationalError("Connection refused")
    ):
        notification_services._schedule_email(12345)
    assert "left to the sweep" in caplog.text
    assert mailoutbox == []


def test_the_sweep_sends_each_pending_email_once(mailoutbox):
    old = timezone.now() - timedelta(minutes=10)
    pending = _immediate_notification(created_at=old)
    _immediate_notification(created_at=timezone.now())  # its own task goes first
    _immediate_notification(created_at=timezone.now() - timedelta(days=2))  # too old
    assert notification_services.notification_emails_sweep(dry_run=True) == 1
    assert mailoutbox == []
    assert notification_services.notification_emails_sweep() == 1
    assert notification_services.notification_emails_sweep() == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [pending.recipient.email]
    pending.refresh_from_db()
    assert pending.emailed_at is not None


def test_the_sweep_runs_by_hand_with_a_dry_run(mailoutbox):
    from io import StringIO

    from django.core.management import call_command

    _immediate_notification(created_at=timezone.now() - timedelta(minutes=10))
    out = StringIO()
    call_command("send_pending_emails", "--dry-run", stdout=out)
    assert "would be sent: 1." in out.getvalue() and mailoutbox == []
    call_command("send_pending_emails", stdout=out)
    assert "E-mails sent: 1." in out.getvalue() and len(mailoutbox) == 1
