"""Two runs of a job at the same moment (two workers): every effect happens once.

On PostgreSQL, with real concurrent transactions (threads, each its own connection).
"""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connections

from audit.models import AuditEntry
from communities.models import Community
from lifecycle import jobs
from lifecycle.models import Reminder
from notifications.models import Notification
from profiles.models import User

from .lifecycle_factories import T0, community_with_manager, external_in_closed_community

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def twice_at_once(name: str, at) -> None:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def one_run() -> None:
        try:
            barrier.wait(timeout=30)
            jobs.run(name, now=at)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_dormant_flagging_reminders_and_archiving_happen_once(settings):
    settings.RSE_JOB_BATCH_SIZE = 3
    made = [community_with_manager()[0] for _ in range(10)]
    flagged_at = T0 + timedelta(days=180)

    twice_at_once("communities_dormant", flagged_at)
    assert Community.objects.filter(state="dormant").count() == 10
    assert AuditEntry.objects.filter(action="community.dormant").count() == 10
    assert Notification.objects.filter(data__event="dormant").count() == 10

    twice_at_once("communities_dormant", flagged_at + timedelta(days=15))
    assert Reminder.objects.count() == 10
    assert Notification.objects.filter(data__event="dormant_reminder").count() == 10

    twice_at_once("communities_dormant", flagged_at + timedelta(days=30))
    assert Community.objects.filter(pk__in=[c.pk for c in made], state="archived").count() == 10
    assert AuditEntry.objects.filter(action="community.archived").count() == 10
    assert Notification.objects.filter(data__event="archived").count() == 10


def test_externals_are_reminded_and_suspended_once():
    externals = [external_in_closed_community()[0] for _ in range(6)]

    twice_at_once("externals", T0 + timedelta(days=90))
    assert AuditEntry.objects.filter(action="account.reconfirmation_due").count() == 6
    assert Notification.objects.filter(data__event="reconfirm_due").count() == 6

    with time_machine.travel(T0 + timedelta(days=104), tick=False):
        twice_at_once("externals", T0 + timedelta(days=104))
    assert not User.objects.filter(pk__in=[u.pk for u in externals], is_active=True).exists()
    assert AuditEntry.objects.filter(action="account.suspended").count() == 6
    assert Notification.objects.filter(data__event="external_suspended").count() == 12
