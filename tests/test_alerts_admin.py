"""Django admin of alerts: every list opens, the per-day counts add up, nothing is
editable by hand, and reach is shown as totals only."""

import pytest
from django.test import Client

from alerts import announcements
from alerts.models import Pin
from communities.models import Community
from notifications.models import Kind
from posts import services as posts

from .alerts_factories import community_with

# Tasks run in the test process, with or without a broker (REDIS_URL).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]

PAGES = [
    "/admin/alerts/notificationday/",
    "/admin/alerts/pin/",
    "/admin/alerts/communityalert/",
    "/admin/alerts/tagalert/",
    "/admin/alerts/workinghours/",
    "/admin/alerts/helddelivery/",
    "/admin/alerts/fanout/",
    "/admin/alerts/pushsubscription/",
    "/admin/alerts/pushlog/",
]


@pytest.fixture
def announced(django_capture_on_commit_callbacks):
    community, manager, people = community_with(access=Community.Access.CLOSED, members=3)
    post = posts.post_create(actor=manager, community=community, body="Hear ye")
    with django_capture_on_commit_callbacks(execute=True):
        announcements.announcement_publish(actor=manager, post=post)
    return community, manager, people


@pytest.mark.parametrize("path", PAGES)
def test_each_alerts_admin_page_opens(admin_user, announced, path):
    client = Client()
    client.force_login(admin_user)
    assert client.get(path).status_code == 200


def test_counts_per_kind_and_day(admin_user, announced):
    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/alerts/notificationday/").content.decode()
    assert str(Kind.ANNOUNCEMENT.label) in page
    assert "<td>3</td>" in page  # three members told of the announcement
    assert "Aggregates only" in page


def test_pins_are_read_only_in_admin(admin_user, announced):
    client = Client()
    client.force_login(admin_user)
    pin = Pin.objects.get()
    assert client.get("/admin/alerts/pin/add/").status_code == 403
    assert client.post(f"/admin/alerts/pin/{pin.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Pin.objects.filter(pk=pin.pk).exists()
