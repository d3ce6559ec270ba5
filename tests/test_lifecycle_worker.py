"""The jobs against a real Redis broker and a real Celery worker process.

The worker runs `celery -A rse worker` (through tests/celery_launcher.py) on the pytest
test database (the tests are transactional, so the worker sees their rows) and on a
queue of its own. Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); CI runs these,
elsewhere they skip with the reason.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from communities.models import Community, Membership
from lifecycle import jobs
from lifecycle.tasks import run_job
from notifications.models import Notification
from rse.celery import app

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


def wait_for(check: Callable[[], bool], what: str, deadline: float = 60) -> None:
    """Poll with a generous deadline (never assert durations)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


class Worker:
    def __init__(self, queue: str, tmp_path: Path, **env: str) -> None:
        self.queue = queue
        self.name = f"rse-test-{uuid.uuid4().hex[:8]}@localhost"
        self.log = tmp_path / f"{self.name}.log"
        environment = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        environment.pop("PYTEST_XDIST_WORKER", None)
        self.process = subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
            [
                sys.executable,
                "-m",
                "tests.celery_launcher",
                "-A",
                "rse",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--hostname",
                self.name,
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        wait_for(self.answers, f"worker {self.name} to start (log: {self.log})")

    def answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited: {self.log.read_text()[-3000:]}")
        return bool(app.control.ping(destination=[self.name], timeout=0.5))

    def send(self, name: str) -> None:
        run_job.apply_async(args=[name], queue=self.queue)

    def succeeded(self) -> int:
        """How many tasks this worker has finished (its log says so)."""
        return self.log.read_text().count("succeeded in")

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def _purge(queue: str) -> None:
    """Leave nothing of a test queue in Redis: its messages, the message a killed worker
    held (kept unacknowledged, to be delivered again), its bindings."""
    import json

    import redis

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    client = redis.Redis.from_url(settings.REDIS_URL)
    for tag, raw in client.hgetall("unacked").items():
        payload = json.loads(raw)
        if isinstance(payload, list) and payload[-1] == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory) -> Iterator[Worker]:
    """One worker for the module (starting one takes seconds), on its own queue."""
    started = Worker(f"rse-test-{uuid.uuid4().hex[:8]}", tmp_path_factory.mktemp("worker"))
    yield started
    started.kill()
    _purge(started.queue)


@pytest.fixture
def worker_factory(tmp_path) -> Iterator[Callable[..., Worker]]:
    """Workers of one test (with special settings), on a queue of their own."""
    started: list[Worker] = []
    queue = f"rse-test-{uuid.uuid4().hex[:8]}"

    def start(**env: str) -> Worker:
        new = Worker(queue, tmp_path, **env)
        started.append(new)
        return new

    yield start
    for each in started:
        each.kill()
    _purge(queue)


def dormant_candidates(count: int) -> list[Community]:
    long_ago = timezone.now() - timedelta(days=settings.COMMUNITY_INACTIVE_DAYS + 1)
    made = []
    for _ in range(count):
        community = CommunityFactory(last_activity_at=long_ago)
        MembershipFactory(community=community, user=UserFactory(), role=Membership.Role.MANAGER)
        made.append(community)
    return made


def count_dormant() -> int:
    return Community.objects.filter(state=Community.State.DORMANT).count()


def test_the_beat_schedule_is_loaded_and_its_tasks_are_registered(worker):

    schedule = app.conf.beat_schedule
    assert schedule == settings.CELERY_BEAT_SCHEDULE
    registered = app.control.inspect(destination=[worker.name], timeout=5).registered()
    tasks = set(registered[worker.name])
    names = set(jobs.job_names())
    lifecycle_entries = [e for e in schedule.values() if e["task"] == "lifecycle.tasks.run_job"]
    assert {e["args"][0] for e in lifecycle_entries} <= names
    assert {"communities_dormant", "externals", "memberships_expire"} <= {
        e["args"][0] for e in lifecycle_entries
    }
    assert {entry["task"] for entry in schedule.values()} <= tasks
    conf = app.control.inspect(destination=[worker.name], timeout=5).conf()[worker.name]
    assert conf["CELERY_TASK_ACKS_LATE"] is True
    assert conf["CELERY_TASK_REJECT_ON_WORKER_LOST"] is True
    assert conf["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] >= 3600
    assert conf["CELERY_BEAT_SCHEDULE"].keys() == schedule.keys()


def test_a_job_sent_through_the_broker_runs_in_the_worker(worker):
    communities = dormant_candidates(3)

    worker.send("communities_dormant")

    wait_for(lambda: count_dormant() == 3, "the worker to flag the communities")
    wait_for(
        lambda: AuditEntry.objects.filter(action="community.dormant").count() == 3,
        "the audit entries",
    )
    entry = AuditEntry.objects.filter(action="community.dormant").first()
    assert entry.actor_label == "job:communities_dormant" and entry.client == "job"
    assert Notification.objects.filter(community__in=communities).count() == 3


def test_a_worker_killed_mid_batch_leaves_nothing_half_done_and_the_rerun_completes(
    worker, worker_factory, tmp_path
):
    dormant_candidates(12)
    marker = tmp_path / "stalled"
    stalled = worker_factory(
        RSE_JOB_BATCH_SIZE="5",
        RSE_JOB_BATCH_HOOK="tests.lifecycle_hooks.stall",
        RSE_JOB_STALL_FILE=str(marker),
    )

    stalled.send("communities_dormant")
    wait_for(marker.exists, "the worker to be in the middle of its first batch")
    stalled.kill()

    # The batch's changes were never committed: nothing is half-done.
    assert count_dormant() == 0
    assert not AuditEntry.objects.filter(action="community.dormant").exists()
    assert not Notification.objects.exists()

    # The next run (the next beat, or the message delivered again) completes it.
    done = worker.succeeded()
    worker.send("communities_dormant")
    wait_for(lambda: worker.succeeded() == done + 1, "the re-run to complete")
    assert count_dormant() == 12
    worker.send("communities_dormant")  # and once more: nothing happens twice
    wait_for(lambda: worker.succeeded() == done + 2, "the third run to complete")
    assert AuditEntry.objects.filter(action="community.dormant").count() == 12
    assert Notification.objects.count() == 12
    assert Notification.objects.values("recipient", "community").distinct().count() == 12


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_the_real_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"] == "ok"
