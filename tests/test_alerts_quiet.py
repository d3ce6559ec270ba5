"""The matrix of alerts: kind × channel (in the app, e-mail at once, digest) ×
preference × still a reader or not × inside or outside working hours; working hours
set by each person, bad input refused; the urgent exception, audited."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from alerts import announcements, quiet, services
from alerts.models import HeldDelivery, WorkingHours
from communities import memberships
from communities.models import Community, Membership
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications.models import Kind, NotificationPreference
from posts import services as posts

from .alerts_factories import community_with

# Tasks run in the test process, with or without a broker (REDIS_URL).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]

# Monday 30 November 2026 in Paris (UTC+1): 10:00 is working time, 20:00 is not; the
# next working period starts on Tuesday at 09:00 (08:00 UTC).
INSIDE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
OUTSIDE = datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
NEXT_START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DIGEST = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _paris_office_hours(settings):
    settings.RSE_QUIET_HOURS_DEFAULT = True
    settings.RSE_WORK_TIME_ZONE = "Europe/Paris"
    settings.RSE_WORK_START = "09:00"
    settings.RSE_WORK_END = "18:00"
    settings.RSE_WORK_DAYS = "12345"


def mails_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


@pytest.mark.parametrize("kind", [Kind.NEW_POST, Kind.ANNOUNCEMENT])
@pytest.mark.parametrize("preference", ["immediately", "daily", "never"])
@pytest.mark.parametrize("still_reader", [True, False], ids=["reader", "removed"])
@pytest.mark.parametrize("moment", [INSIDE, OUTSIDE], ids=["inside", "outside"])
def test_alert_matrix(kind, preference, still_reader, moment, django_capture_on_commit_callbacks):
    community, manager, (member,) = community_with(access=Community.Access.CLOSED, members=1)
    NotificationPreference.objects.create(user=member, kind=kind, email=preference)
    if kind == Kind.ANNOUNCEMENT:
        NotificationPreference.objects.create(user=member, kind=Kind.NEW_POST, email="never")
    with time_machine.travel(moment, tick=False):
        with django_capture_on_commit_callbacks(execute=False):
            post = posts.post_create(actor=manager, community=community, body="News")
            if kind == Kind.ANNOUNCEMENT:
                announcements.announcement_publish(actor=manager, post=post)
        with django_capture_on_commit_callbacks(execute=False) as emails:
            services.fanout_run(post_id=post.pk, kind=kind)  # the task, after commit
        if not still_reader:  # removed between the post and the sending
            memberships.membership_remove(
                actor=manager, membership=Membership.objects.get(user=member)
            )
        for send in emails:
            send()
        in_app = notification_selectors.notifications_visible_to(member).filter(kind=kind)
        assert in_app.exists() is still_reader
        at_once = preference == "immediately" and still_reader and moment == INSIDE
        assert len(mails_to(member)) == int(at_once)
        held = HeldDelivery.objects.filter(notification__recipient=member)
        assert held.exists() is (preference == "immediately" and moment == OUTSIDE)
    with time_machine.travel(DIGEST, tick=False):
        mail.outbox.clear()
        notification_services.digests_send()
        in_digest = preference == "daily" and still_reader
        assert len(mails_to(member)) == int(in_digest)
    with time_machine.travel(NEXT_START, tick=False):
        mail.outbox.clear()
        quiet.held_release()
        released = preference == "immediately" and still_reader and moment == OUTSIDE
        assert len(mails_to(member)) == int(released)
        quiet.held_release()  # twice: nothing more
        assert len(mails_to(member)) == int(released)


def test_a_join_request_in_the_evening_waits_for_the_morning(django_capture_on_commit_callbacks):
    community, manager, _people = community_with(access=Community.Access.OPEN)
    asker = community_with()[2][0]
    with time_machine.travel(OUTSIDE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            memberships.membership_request(actor=asker, community=community)
        assert mails_to(manager) == []
        assert HeldDelivery.objects.get().release_at == NEXT_START
    with time_machine.travel(NEXT_START, tick=False):
        assert quiet.held_release() == 1
    assert len(mails_to(manager)) == 1


def test_an_urgent_announcement_by_an_administrator_gets_through(
    admin_user, django_capture_on_commit_callbacks
):
    community, manager, (member,) = community_with(access=Community.Access.CLOSED, members=1)
    with time_machine.travel(OUTSIDE, tick=False):
        post = posts.post_create(actor=manager, community=community, body="Evacuate building B")
        with django_capture_on_commit_callbacks(execute=True):
            announcements.announcement_publish(actor=admin_user, post=post, urgent=True)
    assert len(mails_to(member)) == 1
    assert "Urgent" in mails_to(member)[0].body
    assert not HeldDelivery.objects.exists()


def test_own_working_hours_and_time_zone(django_capture_on_commit_callbacks):
    community, manager, (member,) = community_with(access=Community.Access.OPEN, members=1)
    quiet.working_hours_set(
        actor=manager, time_zone="America/New_York", start=time(8), end=time(17), days="12345"
    )
    # 19:00 UTC on a Monday is 14:00 in New York: working time there.
    asker = community_with()[2][0]
    with (
        time_machine.travel(OUTSIDE, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        memberships.membership_request(actor=asker, community=community)
    assert len(mails_to(manager)) == 1


def test_next_working_start_skips_the_weekend():
    hours = quiet.default_hours()
    friday_evening = datetime(2026, 12, 4, 18, 30, tzinfo=UTC)
    assert quiet.next_working_start(hours, friday_evening) == datetime(
        2026, 12, 7, 8, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "time zone"),
        ({"start": time(18), "end": time(9)}, "end after it starts"),
        ({"days": ""}, "at least one working day"),
        ({"days": "89"}, "at least one working day"),
    ],
)
def test_bad_working_hours_are_refused_and_change_nothing(fields, message):
    community, manager, _people = community_with()
    good = {"time_zone": "Europe/Paris", "start": time(9), "end": time(18), "days": "12345"}
    with pytest.raises(ValidationError, match=message):
        quiet.working_hours_set(actor=manager, **{**good, **fields})
    assert not WorkingHours.objects.exists()
