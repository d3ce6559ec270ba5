"""New-post alerts: levels per community and per followed tag, written in batches by a
task after commit, to readers only (checked again when each batch is written)."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import services as alerts
from alerts.models import CommunityAlert, Fanout, Level, TagAlert
from communities import memberships
from communities.models import Community, Membership
from notifications.models import Kind, Notification, NotificationPreference
from posts import services as posts
from posts.models import CommunityFollow, TagFollow

from .alerts_factories import community_with
from .communities_factories import MembershipFactory
from .factories import ExternalFactory, UserFactory

# Tasks run in the test process, with or without a broker (REDIS_URL).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]


def alerted(kind=Kind.NEW_POST):
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def publish(author, community, body="News", tags="", *, capture):
    with capture(execute=True):
        return posts.post_create(actor=author, community=community, body=body, tags=tags)


def test_every_member_of_a_small_community_is_alerted_after_commit(
    django_capture_on_commit_callbacks,
):
    community, manager, people = community_with(members=3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = posts.post_create(actor=people[0], community=community, body="Hello")
    assert not alerted()  # nothing written in the request
    assert callbacks  # the fan-out is scheduled on commit
    for callback in callbacks:
        callback()
    assert alerted() == {manager.pk, people[1].pk, people[2].pk}  # not the author
    fanout = Fanout.objects.get(post=post, kind=Kind.NEW_POST)
    assert fanout.finished_at is not None and fanout.sent == 3


@pytest.mark.parametrize(
    ("level", "alerted_expected"),
    [(Level.ALL, True), (Level.HIGHLIGHTS, False), (Level.NONE, False), (None, True)],
)
def test_the_level_of_a_small_community(
    level, alerted_expected, django_capture_on_commit_callbacks
):
    community, _manager, (author, reader) = community_with()
    if level:
        alerts.community_level_set(actor=reader, community=community, level=level)
    publish(author, community, capture=django_capture_on_commit_callbacks)
    assert (reader.pk in alerted()) is alerted_expected


@pytest.mark.parametrize(
    ("level", "alerted_expected"),
    [(Level.ALL, True), (Level.HIGHLIGHTS, False), (Level.NONE, False), (None, False)],
)
def test_large_communities_default_to_announcements_and_mentions(
    settings, level, alerted_expected, django_capture_on_commit_callbacks
):
    settings.RSE_ALERTS_LARGE_COMMUNITY = 3
    community, _manager, (author, reader, _other) = community_with(members=3)
    if level:
        alerts.community_level_set(actor=reader, community=community, level=level)
    publish(author, community, capture=django_capture_on_commit_callbacks)
    assert (reader.pk in alerted()) is alerted_expected


def test_a_mention_still_reaches_someone_who_chose_highlights(django_capture_on_commit_callbacks):
    community, _manager, (author, reader) = community_with()
    alerts.community_level_set(actor=reader, community=community, level=Level.HIGHLIGHTS)
    publish(
        author, community, body=f"Hi @{reader.username}", capture=django_capture_on_commit_callbacks
    )
    assert reader.pk not in alerted()
    assert reader.pk in alerted(Kind.MENTIONED)


@pytest.mark.parametrize("level", [None, Level.ALL, Level.HIGHLIGHTS, Level.NONE])
def test_followed_tags(level, django_capture_on_commit_callbacks):
    community = community_with(access=Community.Access.FREE)[0]
    author = UserFactory()
    follower = UserFactory()
    publish(author, community, tags="cloud", capture=django_capture_on_commit_callbacks)
    tag = TagFollow.objects.model._meta.get_field("tag").related_model.objects.get(slug="cloud")
    posts.tag_follow(actor=follower, tag=tag)
    if level:
        alerts.tag_level_set(actor=follower, tag=tag, level=level)
    Notification.objects.all().delete()
    publish(author, community, tags="cloud", capture=django_capture_on_commit_callbacks)
    assert (follower.pk in alerted()) is (level in (None, Level.ALL))


def test_followers_of_a_free_community_are_alerted(django_capture_on_commit_callbacks):
    community, _manager, (author, _member) = community_with(access=Community.Access.FREE)
    follower = UserFactory()
    CommunityFollow.objects.create(user=follower, community=community)
    publish(author, community, capture=django_capture_on_commit_callbacks)
    assert follower.pk in alerted()


def test_a_tag_follower_who_may_not_read_the_community_gets_nothing(
    django_capture_on_commit_callbacks,
):
    community, _manager, (author, _member) = community_with(access=Community.Access.CLOSED)
    outsider = UserFactory()
    external = ExternalFactory()
    author_tags = "secret"
    publish(author, community, tags=author_tags, capture=django_capture_on_commit_callbacks)
    tag = (
        Notification.objects.none()
        .model._meta.get_field("post")
        .related_model.objects.get(community=community)
        .tags.get()
    )
    for person in (outsider, external):
        TagFollow.objects.create(user=person, tag=tag)
    Notification.objects.all().delete()
    publish(author, community, tags=author_tags, capture=django_capture_on_commit_callbacks)
    assert not {outsider.pk, external.pk} & alerted()


def test_a_member_removed_between_post_and_send_gets_nothing(django_capture_on_commit_callbacks):
    community, manager, (author, leaver) = community_with()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        posts.post_create(actor=author, community=community, body="Hello")
    memberships.membership_remove(
        actor=manager, membership=Membership.objects.get(community=community, user=leaver)
    )
    for callback in callbacks:
        callback()
    assert alerted() == {manager.pk}


def test_batches_resume_and_never_write_twice(settings):
    community, _manager, people = community_with(members=5)
    post = posts.post_create(actor=people[0], community=community, body="Hello")
    assert alerts.fanout_batch(post_id=post.pk, kind=Kind.NEW_POST, batch_size=2) == 2
    # The worker dies here; the task runs again, twice.
    assert alerts.fanout_run(post_id=post.pk, kind=Kind.NEW_POST, batch_size=2) == 3
    assert alerts.fanout_run(post_id=post.pk, kind=Kind.NEW_POST, batch_size=2) == 0
    assert Notification.objects.filter(kind=Kind.NEW_POST).count() == 5
    fanout = Fanout.objects.get(post=post)
    assert (fanout.sent, fanout.batches) == (5, 3)


def test_queries_per_batch_do_not_grow_with_the_batch():
    community, _manager, people = community_with(members=40)
    post = posts.post_create(actor=people[0], community=community, body="Hello")
    alerts.fanout_batch(post_id=post.pk, kind=Kind.NEW_POST, batch_size=1)  # starts it
    counts = []
    for size in (5, 30):
        with CaptureQueriesContext(connection) as queries:
            assert alerts.fanout_batch(post_id=post.pk, kind=Kind.NEW_POST, batch_size=size) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 15


def test_immediate_email_for_those_who_asked(django_capture_on_commit_callbacks, settings):
    settings.RSE_WORK_DAYS = "1234567"
    settings.RSE_WORK_START = "00:00"
    settings.RSE_WORK_END = "23:59"
    community, _manager, (author, eager, _calm) = community_with(members=3)
    NotificationPreference.objects.create(user=eager, kind=Kind.NEW_POST, email="immediately")
    publish(author, community, capture=django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[eager.email]]


def test_bad_level_is_refused_and_changes_nothing():
    community, _manager, (member, _other) = community_with()
    with pytest.raises(Exception, match="Choose one of the alert options"):
        alerts.community_level_set(actor=member, community=community, level="loud")
    assert not CommunityAlert.objects.exists()
    assert not TagAlert.objects.exists()


def test_no_level_for_a_community_one_may_not_read():
    community = community_with(access=Community.Access.CLOSED)[0]
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        alerts.community_level_set(actor=UserFactory(), community=community, level=Level.ALL)
    assert not CommunityAlert.objects.exists()
    assert MembershipFactory  # factories in use


def test_a_broker_down_does_not_fail_the_published_post(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """Redis gone: the post is published and the request succeeds; the alerts of that
    post are skipped and logged (README, "Alerts": limits)."""
    from kombu.exceptions import OperationalError

    from alerts import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.fan_out, "delay", broker_down)
    community, _manager, people = community_with(members=2)
    post = publish(people[0], community, capture=django_capture_on_commit_callbacks)
    assert post.pk and not alerted()
    assert "broker is down" in caplog.text
