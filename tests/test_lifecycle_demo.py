"""Done when: on the seeded demo company, with time moved forward, dormant communities
are flagged then archived, lapsed externals lose access, each exactly once, audited."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from communities.models import Community
from lifecycle import jobs
from profiles.models import User

pytestmark = pytest.mark.django_db


def run_every_job(at) -> None:
    with time_machine.travel(at, tick=False):
        for name in jobs.job_names():
            jobs.run(name)
            jobs.run(name)  # a second worker, or a second beat: nothing twice


def test_seeded_company_with_time_moved_forward():
    call_command("seed_demo", stdout=io.StringIO())
    start = timezone.now()
    permanent = set(Community.objects.filter(is_permanent=True).values_list("pk", flat=True))
    others = set(Community.objects.filter(is_permanent=False).values_list("pk", flat=True))
    externals = set(User.objects.filter(kind="external").values_list("pk", flat=True))
    assert permanent and others and externals

    run_every_job(start + timedelta(days=181))

    states = dict(Community.objects.values_list("pk", "state"))
    assert {states[pk] for pk in others} == {"dormant"}
    assert {states[pk] for pk in permanent} == {"active"}
    assert not User.objects.filter(pk__in=externals, is_active=True).exists()
    assert AuditEntry.objects.filter(action="account.suspended").count() == len(externals)

    run_every_job(start + timedelta(days=181 + 30))

    states = dict(Community.objects.values_list("pk", "state"))
    assert {states[pk] for pk in others} == {"archived"}
    assert {states[pk] for pk in permanent} == {"active"}
    for action in ("community.dormant", "community.archived"):
        entries = AuditEntry.objects.filter(action=action)
        assert sorted(int(e.target_id) for e in entries) == sorted(others)
        assert {e.actor_label for e in entries} == {"job:communities_dormant"}
