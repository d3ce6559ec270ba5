"""Inactive communities: dormant after COMMUNITY_INACTIVE_DAYS, reminders, archived after
COMMUNITY_DORMANT_GRACE_DAYS unless activity or a manager brings them back."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from communities import memberships
from communities import services as community_services
from communities.models import Community
from lifecycle import jobs
from lifecycle.models import Reminder
from notifications.models import Notification

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .lifecycle_factories import T0, community_with_manager

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
INACTIVE = timedelta(days=180)
GRACE = timedelta(days=30)


def run(at, name="communities_dormant", **kwargs):
    with time_machine.travel(at, tick=False):
        return jobs.run(name, **kwargs)


def state(community) -> str:
    community.refresh_from_db()
    return community.state


def events(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at", "id")
        .values_list("data__event", flat=True)
    )


def test_flagged_dormant_exactly_at_the_threshold_not_a_day_before():
    community, manager = community_with_manager()

    run(T0 + INACTIVE - DAY)
    assert state(community) == "active"
    assert events(manager) == []

    run(T0 + INACTIVE)
    assert state(community) == "dormant"
    assert community.dormant_since == T0 + INACTIVE
    entry = AuditEntry.objects.get(action="community.dormant")
    assert entry.actor is None
    assert (entry.actor_label, entry.client) == ("job:communities_dormant", "job")
    assert entry.target_id == str(community.pk)
    note = Notification.objects.get(recipient=manager)
    assert note.kind == "community_lifecycle" and note.community_id == community.pk
    assert note.data["event"] == "dormant"
    assert note.data["archive_on"] == (T0 + INACTIVE + GRACE).date().isoformat()


def test_permanent_communities_are_never_flagged():
    community, manager = community_with_manager(is_permanent=True)

    run(T0 + INACTIVE * 3)

    assert state(community) == "active"
    assert events(manager) == []


def test_reminders_then_archive_each_once_running_every_day_twice():
    community, manager = community_with_manager()
    start = T0 + INACTIVE
    for day in range(0, 32):
        run(start + day * DAY)
        run(start + day * DAY)
        if day == 29:
            assert state(community) == "dormant"  # one day before the end of grace

    assert state(community) == "archived"
    assert events(manager) == ["dormant", "dormant_reminder", "dormant_reminder", "archived"]
    reminders = Notification.objects.filter(data__event="dormant_reminder")
    assert sorted(n.data["days_left"] for n in reminders) == [1, 15]
    assert AuditEntry.objects.filter(action="community.archived").count() == 1
    assert AuditEntry.objects.filter(action="community.dormant_reminded").count() == 2
    assert Reminder.objects.filter(object_id=community.pk).count() == 2


def test_archived_exactly_at_the_end_of_grace():
    community, _manager = community_with_manager()
    run(T0 + INACTIVE)

    run(T0 + INACTIVE + GRACE - timedelta(seconds=1))
    assert state(community) == "dormant"
    run(T0 + INACTIVE + GRACE)
    assert state(community) == "archived"
    entry = AuditEntry.objects.get(action="community.archived")
    assert entry.data["reason"] == "inactivity"


def test_a_late_run_sends_only_the_latest_reminder():
    community, manager = community_with_manager()
    run(T0 + INACTIVE)

    run(T0 + INACTIVE + GRACE - DAY)  # the job did not run for four weeks

    assert events(manager) == ["dormant", "dormant_reminder"]
    assert Notification.objects.get(data__event="dormant_reminder").data["days_left"] == 1


def test_activity_during_grace_brings_it_back_and_it_is_not_archived():
    community, manager = community_with_manager()
    run(T0 + INACTIVE)
    newcomer = UserFactory()

    with time_machine.travel(T0 + INACTIVE + 10 * DAY, tick=False):
        community.access = Community.Access.FREE
        community.save(update_fields=["access"])
        memberships.membership_join(actor=newcomer, community=community)

    assert state(community) == "active"
    assert community.dormant_since is None
    entry = AuditEntry.objects.get(action="community.reactivated")
    assert entry.data == {"by": "activity"}
    run(T0 + INACTIVE + GRACE + DAY)
    assert state(community) == "active"


def test_record_activity_on_an_active_community_only_moves_the_date():
    community, _manager = community_with_manager()
    with time_machine.travel(T0 + 5 * DAY, tick=False):
        community_services.record_activity(community)
    community.refresh_from_db()
    assert community.last_activity_at == T0 + 5 * DAY
    assert not AuditEntry.objects.filter(action="community.reactivated").exists()


def test_manager_keeps_a_dormant_community_active(client):
    community, manager = community_with_manager()
    run(T0 + INACTIVE)
    client.force_login(manager)

    page = client.get(reverse("communities:detail", args=[community.slug]))
    assert b"Keep it active" in page.content and b"Archive it" in page.content
    with time_machine.travel(T0 + INACTIVE + 3 * DAY, tick=False):
        response = client.post(reverse("lifecycle:keep_active", args=[community.slug]))

    assert response.status_code == 302
    assert state(community) == "active"
    assert community.last_activity_at == T0 + INACTIVE + 3 * DAY
    entry = AuditEntry.objects.get(action="community.reactivated")
    assert entry.actor == manager and entry.data == {"by": "manager"}
    run(T0 + INACTIVE + GRACE + DAY)
    assert state(community) == "active"
    # A second answer is refused with a message, and changes nothing.
    response = client.post(reverse("lifecycle:keep_active", args=[community.slug]), follow=True)
    assert b"This community is not dormant." in response.content
    assert AuditEntry.objects.filter(action="community.reactivated").count() == 1


def test_manager_archives_a_dormant_community(client):
    community, manager = community_with_manager()
    run(T0 + INACTIVE)
    client.force_login(manager)

    client.post(reverse("communities:archive", args=[community.slug]))

    assert state(community) == "archived"
    assert AuditEntry.objects.get(action="community.archived").actor == manager
    run(T0 + INACTIVE + GRACE)
    assert AuditEntry.objects.filter(action="community.archived").count() == 1


def test_members_cannot_answer_for_the_managers(client):
    community, _manager = community_with_manager()
    member = UserFactory()
    MembershipFactory(community=community, user=member)
    run(T0 + INACTIVE)
    client.force_login(member)

    page = client.get(reverse("communities:detail", args=[community.slug]))
    assert b"This community is dormant" in page.content
    assert b"Keep it active" not in page.content
    response = client.post(reverse("lifecycle:keep_active", args=[community.slug]))

    assert response.status_code == 403
    assert state(community) == "dormant"


def test_hidden_dormant_community_answers_404_to_outsiders(client):
    community, _manager = community_with_manager(
        access=Community.Access.CLOSED, visibility=Community.Visibility.HIDDEN
    )
    run(T0 + INACTIVE)
    client.force_login(UserFactory())

    response = client.post(reverse("lifecycle:keep_active", args=[community.slug]))

    assert response.status_code == 404
    assert state(community) == "dormant"


def test_dry_run_changes_nothing_and_says_what_it_would_do():
    community, manager = community_with_manager()
    CommunityFactory()  # created now: recent

    report = run(T0 + INACTIVE, dry_run=True)

    assert report.counts == {"flagged": 1}
    assert state(community) == "active"
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="community.dormant").exists()


def test_run_job_command_dry_run_lists_and_changes_nothing(capsys):
    community, _manager = community_with_manager()

    with time_machine.travel(T0 + INACTIVE, tick=False):
        call_command("run_job", "communities_dormant", "--dry-run")

    out = capsys.readouterr().out
    assert f"would flag “{community.name}” dormant" in out
    assert "communities_dormant (dry run): flagged: 1" in out
    assert state(community) == "active"


def test_batches_cover_every_row(settings):
    settings.RSE_JOB_BATCH_SIZE = 2
    made = [community_with_manager()[0] for _ in range(5)]

    report = run(T0 + INACTIVE)

    assert report.counts == {"flagged": 5}
    assert {state(c) for c in made} == {"dormant"}


def test_restoring_an_archived_community_starts_a_new_cycle(admin_user):
    community, manager = community_with_manager()
    run(T0 + INACTIVE)
    run(T0 + INACTIVE + GRACE)
    with time_machine.travel(T0 + INACTIVE + GRACE + DAY, tick=False):
        community_services.community_restore(actor=admin_user, community=community)
    assert community.dormant_since is None

    run(T0 + 2 * INACTIVE + GRACE + DAY)

    assert state(community) == "dormant"
    assert events(manager).count("dormant") == 2


def test_a_dormant_community_made_permanent_is_active_again_and_never_archived():
    community, _manager = community_with_manager()
    run(T0 + INACTIVE)
    Community.objects.filter(pk=community.pk).update(is_permanent=True)

    run(T0 + INACTIVE + DAY)
    run(T0 + INACTIVE + GRACE)

    assert state(community) == "active"
    entry = AuditEntry.objects.get(action="community.reactivated")
    assert entry.data == {"by": "permanent"} and entry.actor_label == "job:communities_dormant"


def test_run_job_lists_the_jobs_and_refuses_an_unknown_name(capsys):
    from django.core.management.base import CommandError

    call_command("run_job")
    listing = capsys.readouterr().out
    for name in jobs.job_names():
        assert name in listing
    with pytest.raises(CommandError, match="Unknown job 'nope'"):
        call_command("run_job", "nope")


def test_the_task_runs_the_job_and_says_what_it_did():
    from lifecycle.tasks import run_job

    community, _manager = community_with_manager()

    with time_machine.travel(T0 + INACTIVE, tick=False):
        result = run_job.apply(args=["communities_dormant"]).get()

    assert result == {"flagged": 1}
    assert state(community) == "dormant"


def test_each_batch_is_its_own_transaction(settings):
    from django.db import connection

    from . import lifecycle_hooks

    settings.RSE_JOB_BATCH_SIZE = 2
    settings.RSE_JOB_BATCH_HOOK = "tests.lifecycle_hooks.count"
    lifecycle_hooks.batch_depths.clear()
    for _ in range(5):
        community_with_manager()

    outside = len(connection.atomic_blocks)  # the test's own transaction
    run(T0 + INACTIVE)

    expected = [outside + 1] * 3  # 2 + 2 + 1 rows, one atomic block each
    assert lifecycle_hooks.batch_depths == expected
    lifecycle_hooks.batch_depths.clear()
    run(T0 + INACTIVE + DAY, dry_run=True)
    assert lifecycle_hooks.batch_depths == []  # a dry run writes nothing, in no transaction
