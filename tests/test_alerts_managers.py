"""Managers and moderators are alerted: a join request (and a reminder before it
expires), a new report in a community they moderate, an appeal (site moderators).
Each is a notification kind with its own e-mail preference."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from alerts import reminders
from alerts.models import RequestReminder
from communities import memberships
from communities.models import Community
from moderation import appeals
from moderation import services as moderation
from moderation.models import Case
from notifications.models import Kind, Notification, NotificationPreference

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .moderation_factories import make_cast, reason, reported_post
from .posts_factories import PostFactory

# Tasks run in the test process, with or without a broker (REDIS_URL).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]


def kinds_of(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture
def open_community():
    community = CommunityFactory(access=Community.Access.OPEN)
    manager = MembershipFactory(community=community, role="manager").user
    moderator = MembershipFactory(community=community, role="moderator").user
    member = MembershipFactory(community=community).user
    return community, manager, moderator, member


def test_managers_are_told_of_a_join_request_at_once(
    open_community, django_capture_on_commit_callbacks
):
    community, manager, moderator, member = open_community
    asker = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        memberships.membership_request(actor=asker, community=community, message="Hi")
    assert kinds_of(manager) == [Kind.JOIN_REQUESTED]
    assert kinds_of(moderator) == kinds_of(member) == []
    note = Notification.objects.get(recipient=manager)
    assert note.target_url() == f"/communities/{community.slug}/members/"
    assert [m.to for m in mail.outbox] == [[manager.email]]  # immediately by default
    assert asker.get_full_name() in mail.outbox[0].body


def test_the_join_request_alert_follows_its_preference(
    open_community, django_capture_on_commit_callbacks
):
    community, manager, _moderator, _member = open_community
    NotificationPreference.objects.create(user=manager, kind=Kind.JOIN_REQUESTED, email="never")
    with django_capture_on_commit_callbacks(execute=True):
        memberships.membership_request(actor=UserFactory(), community=community)
    assert kinds_of(manager) == [Kind.JOIN_REQUESTED]  # in the app
    assert mail.outbox == []


def test_reminder_before_a_request_expires_once(settings, open_community):
    settings.COMMUNITY_REQUEST_DAYS = 30
    settings.RSE_ALERTS_REQUEST_REMINDER_DAYS = 3
    community, manager, _moderator, _member = open_community
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        memberships.membership_request(actor=UserFactory(), community=community)
    Notification.objects.all().delete()
    with time_machine.travel(start + timedelta(days=26), tick=False):
        assert reminders.requests_remind() == 0  # not yet
    with time_machine.travel(start + timedelta(days=27, minutes=1), tick=False):
        assert reminders.requests_remind(dry_run=True) == 1
        assert not Notification.objects.exists()
        assert reminders.requests_remind() == 1
        assert reminders.requests_remind() == 0  # once
    assert kinds_of(manager) == [Kind.REQUEST_EXPIRING]
    note = Notification.objects.get(recipient=manager)
    assert note.data["expires"] == (start + timedelta(days=30)).date().isoformat()
    assert RequestReminder.objects.count() == 1


def test_a_decided_request_is_not_reminded(settings, open_community):
    community, manager, _moderator, _member = open_community
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        request = memberships.membership_request(actor=UserFactory(), community=community)
        memberships.membership_approve(actor=manager, membership=request)
    with time_machine.travel(start + timedelta(days=28), tick=False):
        assert reminders.requests_remind() == 0


def test_a_new_case_alerts_its_community_moderators_but_not_its_author():
    cast = make_cast()
    post = reported_post(cast)
    for person in (cast.manager, cast.moderator):
        assert kinds_of(person) == [Kind.REPORT_FILED]
    for person in (cast.author, cast.member, cast.other_moderator, cast.outsider):
        assert Kind.REPORT_FILED not in kinds_of(person)
    note = Notification.objects.get(recipient=cast.moderator)
    case = Case.objects.get(post=post)
    assert note.target_url() == f"/moderation/cases/{case.pk}/"
    assert note.actor is None  # who reported is not said


def test_a_second_report_on_the_same_case_does_not_alert_again():
    cast = make_cast()
    post = reported_post(cast)
    extra = UserFactory()
    MembershipFactory(community=cast.community, user=extra)
    moderation.report_create(actor=extra, post=post, reason=reason())
    assert kinds_of(cast.moderator) == [Kind.REPORT_FILED]


def test_a_report_on_a_profile_post_alerts_site_moderators(site_moderator):
    author, reporter = UserFactory(), UserFactory()
    post = PostFactory(community=None, author=author)
    moderation.report_create(actor=reporter, post=post, reason=reason())
    assert kinds_of(site_moderator) == [Kind.REPORT_FILED]


def test_an_appeal_alerts_site_moderators_with_its_own_kind(site_moderator):
    cast = make_cast()
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    moderation.case_decide(actor=cast.moderator, case=case, outcome="hide", reason=reason())
    Notification.objects.all().delete()
    appeals.appeal_file(actor=cast.author, case=case, message="It was public news.")
    note = Notification.objects.get(recipient=site_moderator)
    assert note.kind == Kind.APPEAL_FILED
    assert note.target_url() == "/moderation/appeals/"
