"""The navigation's counters kept in the cache (core.navcounters, issue 26): a warm
signed-in page counts nothing again, and a count changes at once with what it counts
(new, read) and with access (a community left, a post deleted or hidden...), so that
nobody keeps a number of notifications they may no longer see. Sessions read from
the cache still end at sign-out and when revoked."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities import memberships
from communities.models import Community
from notifications.models import Kind
from notifications.services import notification_mark_read, notify
from posts import services as post_services
from posts.models import Status
from posts.moderated import item_status_set

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import PASSWORD, UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"
UNREAD = "/notifications/unread/"


def unread_on_page(client) -> int:
    return client.get(UNREAD).json()["count"]


@pytest.fixture
def setting(settings):
    settings.RSE_NAV_COUNTERS_SECONDS = 300
    return settings


@pytest.fixture
def reader_and_news(setting, client):
    community = CommunityFactory(access=Community.Access.OPEN)
    reader = MembershipFactory(community=community).user
    post = PostFactory(community=community)
    notification = notify(recipient=reader, kind=Kind.LIKED, actor=post.author, post=post)
    client.force_login(reader)
    assert unread_on_page(client) == 1  # counted, and now in the cache
    return community, reader, post, notification


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_a_warm_signed_in_page_reads_neither_counter_nor_charter_status_again(setting, client):
    community = CommunityFactory(access=Community.Access.OPEN)
    reader = MembershipFactory(community=community).user
    post = PostFactory(community=community)
    notify(recipient=reader, kind=Kind.LIKED, actor=post.author, post=post)
    client.force_login(reader)
    path = reverse("communities:directory")
    cold = count_queries(client, path)
    warm = count_queries(client, path)
    assert warm == cold - 2  # the unread notifications, the charter status
    assert "(1)" in client.get(path).content.decode()
    setting.RSE_NAV_COUNTERS_SECONDS = 0  # off: counted on every page, as before
    assert count_queries(client, path) == cold


def test_a_moderators_warm_page_does_not_count_the_open_cases_again(setting, client):
    from django.contrib.auth.models import Group

    moderator = UserFactory()
    moderator.groups.add(Group.objects.get_or_create(name="Site moderators")[0])
    client.force_login(moderator)
    session = client.session
    session["moderation.moderates"] = True
    session.save()
    path = reverse("communities:directory")
    cold = count_queries(client, path)
    # The unread notifications, the open cases, the charter status.
    assert count_queries(client, path) == cold - 3


def test_a_new_notification_and_reading_it_change_the_count_at_once(reader_and_news, client):
    community, reader, post, notification = reader_and_news
    other = PostFactory(community=community)
    notify(recipient=reader, kind=Kind.LIKED, actor=other.author, post=other)
    assert unread_on_page(client) == 2
    notification_mark_read(actor=reader, notification=notification)
    assert unread_on_page(client) == 1


def test_leaving_the_community_drops_the_cached_count(reader_and_news, client):
    community, reader, _, _ = reader_and_news
    memberships.membership_leave(actor=reader, community=community)
    assert unread_on_page(client) == 0
    assert '<span class="unread-count">(' not in client.get(INBOX).content.decode()


def test_suspended_memberships_drop_the_count_and_restored_ones_bring_it_back(
    reader_and_news, client
):
    community, reader, _, _ = reader_and_news
    memberships.memberships_suspend(user=reader)
    assert unread_on_page(client) == 0
    memberships.memberships_restore(user=reader)
    assert unread_on_page(client) == 1


def test_a_post_deleted_by_its_author_drops_the_cached_count(reader_and_news, client):
    _, _, post, _ = reader_and_news
    post_services.post_delete(actor=post.author, post=post)
    assert unread_on_page(client) == 0


def test_a_post_hidden_by_moderation_drops_the_cached_count(reader_and_news, client):
    _, _, post, _ = reader_and_news
    item_status_set(item=post, status=Status.HIDDEN)
    assert unread_on_page(client) == 0


def test_a_community_turned_members_only_drops_a_non_members_count(setting, client):
    community = CommunityFactory(access=Community.Access.FREE)
    reader = UserFactory()
    post = PostFactory(community=community)
    notify(recipient=reader, kind=Kind.LIKED, actor=post.author, post=post)
    client.force_login(reader)
    assert unread_on_page(client) == 1
    community.access = Community.Access.CLOSED
    community.visibility = Community.Visibility.HIDDEN
    community.save()
    assert unread_on_page(client) == 0


# Sessions in the cache -----------------------------------------------------------------


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "core.sessions"
    return settings


def test_signing_out_ends_a_cached_session(cached_sessions, employee):
    browser = Client()
    browser.force_login(employee)
    assert browser.get(reverse("posts:home")).status_code == 200
    key = browser.cookies["sessionid"].value
    assert browser.get(reverse("posts:home")).status_code == 200  # from the cache
    browser.post(reverse("account_logout"))
    stolen = Client()
    stolen.cookies["sessionid"] = key
    assert stolen.get(reverse("posts:home")).status_code == 302


def test_ending_sessions_from_the_sessions_page_ends_cached_ones(cached_sessions, employee):
    from profiles.services import sessions_end_for

    phone, laptop = Client(HTTP_USER_AGENT="Phone/1.0"), Client()
    for browser in (phone, laptop):
        browser.post(reverse("account_login"), {"login": employee.email, "password": PASSWORD})
        assert browser.get(reverse("posts:home")).status_code == 200
    laptop.post(reverse("usersessions_list"), {"action": "logout"})
    assert phone.get(reverse("posts:home")).status_code == 302
    assert laptop.get(reverse("posts:home")).status_code == 200
    sessions_end_for(user=employee)
    assert laptop.get(reverse("posts:home")).status_code == 302


def test_a_count_taken_before_a_change_and_stored_after_it_is_not_served(setting):
    """The race a plain delete leaves open: a page counts from the data before a change,
    the change forgets the person's counters (at once and at its commit), then the page
    stores what it counted. That figure is stored under the version read before it was
    counted, so the next page counts again."""
    from core import navcounters

    person = 41

    def counted_while_the_change_commits() -> int:
        navcounters.forget(person)  # what the other request's commit does meanwhile
        return 1  # the figure from before the change

    assert navcounters.read(person, "unread", counted_while_the_change_commits) == 1
    assert navcounters.read(person, "unread", lambda: 2) == 2  # counted again
    assert navcounters.read(person, "unread", lambda: 3) == 2  # and now kept


def test_everyone_counts_again_after_an_access_change(setting):
    from core import navcounters

    assert navcounters.read(7, "unread", lambda: 1) == 1
    assert navcounters.read(8, "unread", lambda: 1) == 1
    navcounters.access_changed()
    assert navcounters.read(7, "unread", lambda: 0) == 0
    assert navcounters.read(8, "unread", lambda: 0) == 0
