"""A new post's alerts delivered by a real Celery worker process through Redis: the
post's transaction commits, the fan-out task is queued, a worker writes the alerts in
batches. Needs PostgreSQL and Redis (CI); skipped elsewhere with the reason."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import services as alerts
from alerts.models import Fanout
from communities.models import Community, Membership
from notifications.models import Kind, Notification
from posts import services as posts
from profiles.models import User
from rse.celery import app

from .communities_factories import CommunityFactory
from .factories import UserFactory
from .test_lifecycle_worker import wait_for, worker_factory  # noqa: F401 - its fixture

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

MEMBERS = 150  # under RSE_ALERTS_LARGE_COMMUNITY (200): every post, by default


def free_community_of(size: int) -> tuple[Community, User]:
    community = CommunityFactory(access=Community.Access.FREE)
    author = UserFactory()
    people = [UserFactory.build() for _ in range(size)]
    for number, person in enumerate(people):
        person.username = f"fanout{number}"
        person.email = f"fanout{number}@example.com"
    created = User.objects.bulk_create(people)
    Membership.objects.bulk_create(
        Membership(community=community, user=person, status=Membership.Status.ACTIVE)
        for person in created
    )
    Community.objects.filter(pk=community.pk).update(members_count=size)
    community.refresh_from_db()
    return community, author


def test_a_worker_delivers_a_posts_alerts_in_batches(worker_factory, monkeypatch):  # noqa: F811
    worker = worker_factory(RSE_ALERTS_BATCH_SIZE="50")
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "task_default_queue", worker.queue)
    community, author = free_community_of(MEMBERS)
    post = posts.post_create(actor=author, community=community, body="To all of you")

    def finished() -> bool:
        return Fanout.objects.filter(post=post, finished_at__isnull=False).exists()

    wait_for(finished, "the fan-out to finish", deadline=120)
    fanout = Fanout.objects.get(post=post)
    assert fanout.sent == MEMBERS and fanout.batches == 3
    assert Notification.objects.filter(post=post, kind=Kind.NEW_POST).count() == MEMBERS
    # Run again (a redelivered message): nothing more.
    assert alerts.fanout_run(post_id=post.pk, kind=Kind.NEW_POST) == 0
    assert Notification.objects.filter(post=post, kind=Kind.NEW_POST).count() == MEMBERS


def test_queries_per_batch_on_postgresql(settings):
    settings.RSE_ALERTS_LARGE_COMMUNITY = 10_000
    community, author = free_community_of(250)
    post = posts.post_create(actor=author, community=community, body="Counted")
    alerts.fanout_batch(post_id=post.pk, kind=Kind.NEW_POST, batch_size=10)
    counts = []
    for size in (20, 200):
        with CaptureQueriesContext(connection) as queries:
            alerts.fanout_batch(post_id=post.pk, kind=Kind.NEW_POST, batch_size=size)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15
