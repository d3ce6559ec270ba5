"""Announcements and pinned posts: who may announce or pin, notified once, pinned until
dismissed, expired or lifted, "seen by N of M", archived communities lift them, every
change audited."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from access.viewer import as_viewer
from alerts import announcements, selectors, services
from alerts.models import Level, Pin, Receipt
from audit.models import AuditEntry
from communities import services as community_services
from communities.models import Community
from notifications.models import Kind, Notification
from posts import services as posts

from .alerts_factories import community_with
from .factories import ExternalFactory, UserFactory
from .moderation_factories import SanctionFactory

# Tasks run in the test process, with or without a broker (REDIS_URL).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]


def audited(action):
    return AuditEntry.objects.filter(action=action).count()


@pytest.fixture
def closed():
    community, manager, people = community_with(access=Community.Access.CLOSED, members=3)
    post = posts.post_create(actor=manager, community=community, body="Read me, all of you.")
    Notification.objects.all().delete()
    return community, manager, people, post


def test_a_manager_announces_every_member_is_told_once(closed, django_capture_on_commit_callbacks):
    community, manager, people, post = closed
    services.community_level_set(actor=people[1], community=community, level=Level.HIGHLIGHTS)
    services.community_level_set(actor=people[2], community=community, level=Level.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        pin = announcements.announcement_publish(actor=manager, post=post)
    told = set(
        Notification.objects.filter(kind=Kind.ANNOUNCEMENT).values_list("recipient", flat=True)
    )
    assert told == {people[0].pk, people[1].pk}  # not "nothing", not the author
    assert pin.audience_size == 4 and pin.expires_at > timezone.now()
    assert audited("announcement.published") == 1
    services.fanout_run(post_id=post.pk, kind=Kind.ANNOUNCEMENT)  # again: nothing more
    assert Notification.objects.filter(kind=Kind.ANNOUNCEMENT).count() == 2


@pytest.mark.parametrize("who", ["member", "outsider", "external", "muted_manager"])
def test_who_may_not_announce(closed, who):
    community, manager, people, post = closed
    person = {
        "member": people[0],
        "outsider": UserFactory(),
        "external": ExternalFactory(),
        "muted_manager": manager,
    }[who]
    if who == "muted_manager":
        SanctionFactory(
            user=manager,
            kind="mute",
            community=community,
            ends_at=timezone.now() + timedelta(days=2),
        )
    with pytest.raises(PermissionDenied):
        announcements.announcement_publish(actor=person, post=post)
    with pytest.raises(PermissionDenied):
        announcements.pin_create(actor=person, post=post)
    assert not Pin.objects.exists() and audited("announcement.published") == 0


def test_site_wide_announcement_needs_the_communications_group(
    settings, django_capture_on_commit_callbacks
):
    author = UserFactory()
    readers = [UserFactory() for _ in range(2)]
    external = ExternalFactory()
    post = posts.post_create(actor=author, body="To everyone")
    with pytest.raises(PermissionDenied):
        announcements.announcement_publish(actor=author, post=post)
    Group.objects.get(name=settings.RSE_COMMUNICATIONS_GROUP).user_set.add(author)
    with django_capture_on_commit_callbacks(execute=True):
        pin = announcements.announcement_publish(actor=as_viewer(author), post=post)
    assert pin.community is None
    told = set(
        Notification.objects.filter(kind=Kind.ANNOUNCEMENT).values_list("recipient", flat=True)
    )
    assert {r.pk for r in readers} <= told and external.pk not in told and author.pk not in told
    # Pinned on every employee's home, never an external's.
    assert [p.pk for p in selectors.live_pins(as_viewer(readers[0]), None)] == [pin.pk]
    assert selectors.live_pins(as_viewer(external), None) == []


def test_only_site_administrators_mark_urgent(closed, admin_user):
    community, manager, _people, post = closed
    with pytest.raises(PermissionDenied, match="site administrators"):
        announcements.announcement_publish(actor=manager, post=post, urgent=True)
    pin = announcements.announcement_publish(actor=admin_user, post=post, urgent=True)
    assert pin.urgent and audited("announcement.urgent") == 1


def test_an_expiry_in_the_past_is_refused(closed):
    _community, manager, _people, post = closed
    with pytest.raises(ValidationError, match="future"):
        announcements.announcement_publish(
            actor=manager, post=post, expires_at=timezone.now() - timedelta(hours=1)
        )
    assert not Pin.objects.exists()


def test_at_most_three_ordinary_pins(settings, closed):
    community, manager, _people, _post = closed
    settings.RSE_PINS_PER_COMMUNITY = 3
    made = [posts.post_create(actor=manager, community=community, body=f"P{i}") for i in range(4)]
    for post in made[:3]:
        announcements.pin_create(actor=manager, post=post)
    with pytest.raises(ValidationError, match="At most 3"):
        announcements.pin_create(actor=manager, post=made[3])
    assert Pin.objects.count() == 3 and audited("pin.created") == 3
    pin = Pin.objects.get(post=made[0])
    announcements.pin_lift(actor=manager, pin=pin)
    announcements.pin_create(actor=manager, post=made[3])
    assert audited("pin.lifted") == 1


def test_pinned_until_dismissed_or_expired_and_seen_counted(closed):
    community, manager, people, post = closed
    now = timezone.now()
    pin = announcements.announcement_publish(
        actor=manager, post=post, expires_at=now + timedelta(days=2)
    )
    reader = as_viewer(people[0])
    shown = selectors.live_pins(reader, community)
    assert [p.pk for p in shown] == [pin.pk] and not shown[0].seen
    announcements.receipts_record(user=people[0], pins=shown)
    announcements.receipts_record(user=people[0], pins=shown)  # a second tab
    pin.refresh_from_db()
    assert selectors.reach_of(pin) == (1, 4)
    announcements.announcement_dismiss(actor=people[0], pin=pin)
    assert selectors.live_pins(as_viewer(people[0]), community) == []
    assert [p.pk for p in selectors.live_pins(as_viewer(people[1]), community)] == [pin.pk]
    assert Receipt.objects.get(user=people[0]).dismissed_at is not None
    assert set(selectors.not_seen_by(pin)) == {people[1], people[2]}
    with time_machine.travel(now + timedelta(days=3), tick=False):
        assert selectors.live_pins(as_viewer(people[1]), community) == []


def test_archiving_lifts_the_pins(closed, admin_user):
    community, manager, people, post = closed
    announcements.announcement_publish(actor=manager, post=post)
    community_services.community_archive(actor=manager, community=community)
    assert Pin.objects.get().lifted_at is not None
    assert selectors.live_pins(as_viewer(people[0]), community) == []
    assert audited("pin.lifted") == 1
    community_services.community_restore(actor=admin_user, community=community)
    assert selectors.live_pins(as_viewer(people[0]), community) == []


def test_a_removed_member_no_longer_sees_the_pin(closed):
    from communities import memberships
    from communities.models import Membership

    community, manager, people, post = closed
    announcements.announcement_publish(actor=manager, post=post)
    memberships.membership_remove(
        actor=manager, membership=Membership.objects.get(community=community, user=people[0])
    )
    assert selectors.live_pins(as_viewer(people[0]), community) == []


@pytest.mark.parametrize(
    ("access", "unseen_list"),
    [
        (Community.Access.CLOSED, True),
        (Community.Access.OPEN, False),
        (Community.Access.FREE, False),
    ],
)
def test_the_list_of_who_has_not_seen_is_for_managers_of_closed_communities(access, unseen_list):
    from alerts import permissions

    community, manager, people = community_with(access=access)
    post = posts.post_create(actor=manager, community=community, body="Hear ye")
    pin = announcements.announcement_publish(actor=manager, post=post)
    assert permissions.can_see_reach(manager, pin)
    assert not permissions.can_see_reach(people[0], pin)
    assert permissions.can_see_unseen_list(manager, pin) is unseen_list
    assert not permissions.can_see_unseen_list(people[0], pin)
