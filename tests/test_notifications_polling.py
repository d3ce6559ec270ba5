"""The unread counter is polled: one count per poll (beyond the session and the user),
304 Not Modified while it does not change, and nothing about what one may not see."""

import pytest

from communities.models import Community
from notifications.models import Kind
from posts.models import Status

from .communities_factories import CommunityFactory, MembershipFactory
from .notifications_factories import NotificationFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db

URL = "/notifications/unread/"


def test_the_counter_answers_json_then_304(client, employee, django_assert_max_num_queries):
    NotificationFactory(recipient=employee, kind=Kind.FOLLOWED)
    NotificationFactory(recipient=employee, kind=Kind.FOLLOWED)
    client.force_login(employee)
    client.get(URL)
    with django_assert_max_num_queries(2):  # session, user (the count is in the cache)
        response = client.get(URL)
    assert response.json() == {"count": 2, "label": "2", "name": "Notifications, 2 unread"}
    again = client.get(URL, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    NotificationFactory(recipient=employee, kind=Kind.FOLLOWED)
    changed = client.get(URL, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200 and changed.json()["count"] == 3


def test_a_notification_about_what_one_may_no_longer_read_is_not_counted(client, employee):
    guild = CommunityFactory(access=Community.Access.CLOSED)
    membership = MembershipFactory(community=guild, user=employee)
    post = PostFactory(community=guild)
    NotificationFactory(recipient=employee, kind=Kind.COMMENTED, post=post)
    client.force_login(employee)
    assert client.get(URL).json()["count"] == 1
    membership.status = "left"
    membership.save(update_fields=["status"])
    assert client.get(URL).json() == {"count": 0, "label": "", "name": "Notifications"}
    assert post.status == Status.PUBLISHED


def test_the_counter_is_in_french(client, employee):
    NotificationFactory(recipient=employee, kind=Kind.FOLLOWED)
    client.force_login(employee)
    assert client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").json()["name"] == "Notifications, 1 non lue"


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302
