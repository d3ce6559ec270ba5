"""Alert pages: the settings page (levels and working hours, one POST each), announcing
and pinning from a post's page, pinned posts on community and home pages, dismissing,
"seen by N of M" — with the access matrix and bad input."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alerts import announcements
from alerts.models import CommunityAlert, Level, Pin, Receipt, WorkingHours
from communities.models import Community
from posts import services as posts
from posts.models import TagFollow

from .alerts_factories import community_with
from .factories import ExternalFactory, UserFactory

# Tasks run in the test process, with or without a broker (REDIS_URL).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


@pytest.fixture
def closed():
    community, manager, people = community_with(access=Community.Access.CLOSED, members=3)
    post = posts.post_create(actor=manager, community=community, body="Quarterly **results**")
    return community, manager, people, post


def test_the_settings_page_shows_levels_and_hours(closed):
    community, _manager, (member, *_rest), post = closed
    tag_post = posts.post_create(actor=member, community=community, body="x", tags="cloud")
    TagFollow.objects.create(user=member, tag=tag_post.tags.get())
    page = signed_in(member).get("/notifications/settings/").content.decode()
    assert community.name in page and "#cloud" in page
    assert "Working hours (right to disconnect)" in page
    assert 'action="/alerts/levels/"' in page and 'action="/alerts/hours/"' in page


def test_levels_are_saved_in_one_post(closed):
    community, _manager, (member, *_rest), _post = closed
    response = signed_in(member).post("/alerts/levels/", {f"community_{community.pk}": Level.NONE})
    assert response.status_code == 302
    assert CommunityAlert.objects.get(user=member).level == Level.NONE


def test_a_bad_level_is_refused_with_a_message_and_nothing_changes(closed):
    community, _manager, (member, *_rest), _post = closed
    response = signed_in(member).post("/alerts/levels/", {f"community_{community.pk}": "loud"})
    assert response.status_code == 400
    assert "Choose one of the alert options offered." in response.content.decode()
    assert not CommunityAlert.objects.exists()


def test_working_hours_are_saved(closed):
    member = closed[2][0]
    response = signed_in(member).post(
        "/alerts/hours/",
        {"time_zone": "Europe/Lisbon", "start": "08:30", "end": "16:30", "days": ["1", "2", "3"]},
    )
    assert response.status_code == 302
    hours = WorkingHours.objects.get(user=member)
    assert (hours.time_zone, str(hours.start), hours.days) == ("Europe/Lisbon", "08:30:00", "123")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "Choose a time zone from the list"),
        ({"start": "18:00", "end": "09:00"}, "The working day must end after it starts."),
        ({"start": "25:99"}, "Give a time such as 09:00."),
        ({"days": []}, "Choose at least one working day."),
        ({"days": ["9"]}, "Choose days from the list."),
    ],
)
def test_bad_working_hours_keep_what_was_typed_and_change_nothing(closed, data, message):
    member = closed[2][0]
    good = {"time_zone": "Europe/Paris", "start": "09:00", "end": "18:00", "days": ["1", "2"]}
    response = signed_in(member).post("/alerts/hours/", {**good, **data})
    assert response.status_code == 400
    page = response.content.decode()
    assert message.replace("'", "&#x27;") in page
    assert not WorkingHours.objects.exists()


def test_preference_posts_need_the_csrf_token(closed):
    member = closed[2][0]
    client = signed_in(member, enforce_csrf_checks=True)
    assert client.post("/alerts/hours/", {"time_zone": "Europe/Paris"}).status_code == 403
    assert client.post("/alerts/levels/", {}).status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("member", 403), ("outsider", 404), ("external", 404)],
)
def test_who_reaches_the_announce_page(closed, who, status):
    community, manager, people, post = closed
    person = {
        "manager": manager,
        "member": people[0],
        "outsider": UserFactory(),
        "external": ExternalFactory(),
    }[who]
    assert signed_in(person).get(f"/alerts/posts/{post.pk}/announce/").status_code == status
    assert signed_in(person).post(
        f"/alerts/posts/{post.pk}/announce/", {"what": "announcement"}
    ).status_code in {status, 302}
    assert Pin.objects.exists() is (who == "manager")


def test_the_urgent_box_is_for_administrators_only(closed, admin_user):
    _community, manager, _people, post = closed
    page = signed_in(manager).get(f"/alerts/posts/{post.pk}/announce/").content.decode()
    assert 'name="urgent"' not in page
    signed_in(manager).post(
        f"/alerts/posts/{post.pk}/announce/", {"what": "announcement", "urgent": "on"}
    )
    assert Pin.objects.get().urgent is False  # the field is not there: ignored
    page = signed_in(admin_user).get(f"/alerts/posts/{post.pk}/announce/").content.decode()
    assert 'name="urgent"' in page


def test_a_bad_date_is_refused(closed):
    _community, manager, _people, post = closed
    response = signed_in(manager).post(
        f"/alerts/posts/{post.pk}/announce/", {"what": "announcement", "until": "2001-01-01"}
    )
    assert response.status_code == 400
    assert "must be in the future" in response.content.decode()
    assert not Pin.objects.exists()


def test_pinned_on_the_community_page_dismissed_and_counted(closed):
    community, manager, (member, other, _third), post = closed
    pin = announcements.announcement_publish(actor=manager, post=post)
    page = signed_in(member).get(f"/communities/{community.slug}/").content.decode()
    assert f'id="pin-{pin.pk}"' in page and "Quarterly <strong>results</strong>" in page
    assert "/alerts/pins/" not in page.split(f'id="pin-{pin.pk}"')[1].split("</article>")[0] or (
        f"/alerts/pins/{pin.pk}/dismiss/" in page
    )
    assert Receipt.objects.filter(user=member).count() == 1
    response = signed_in(member).post(
        f"/alerts/pins/{pin.pk}/dismiss/", {"next": f"/communities/{community.slug}/"}
    )
    assert response.status_code == 302
    page = signed_in(member).get(f"/communities/{community.slug}/").content.decode()
    assert f'id="pin-{pin.pk}"' not in page
    reach = signed_in(manager).get(f"/alerts/pins/{pin.pk}/").content.decode()
    assert "Seen by 1 of 4" in reach and "§5.8" in reach
    assert other.get_full_name() in reach  # closed community: who has not seen it
    assert member.get_full_name() not in reach
    assert signed_in(member).get(f"/alerts/pins/{pin.pk}/").status_code == 404
    assert signed_in(UserFactory()).get(f"/alerts/pins/{pin.pk}/").status_code == 404


def test_site_wide_announcement_on_the_home_page_aggregate_only(settings):
    author = UserFactory()
    Group.objects.get(name=settings.RSE_COMMUNICATIONS_GROUP).user_set.add(author)
    reader = UserFactory()
    post = posts.post_create(actor=author, body="Office closed on Friday")
    pin = announcements.announcement_publish(actor=author, post=post)
    assert "Office closed on Friday" in signed_in(reader).get("/").content.decode()
    assert "Office closed on Friday" not in signed_in(ExternalFactory()).get("/").content.decode()
    reach = signed_in(author).get(f"/alerts/pins/{pin.pk}/").content.decode()
    assert "Seen by 1 of" in reach and "only the total is shown" in reach
    assert reader.get_full_name() not in reach


def test_pins_cost_the_community_page_a_fixed_number_of_queries(closed):
    community, manager, (member, *_rest), post = closed
    client = signed_in(member)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/communities/{community.slug}/").status_code == 200
        return len(captured)

    queries()
    without = queries()
    announcements.announcement_publish(actor=manager, post=post)
    extra = posts.post_create(actor=manager, community=community, body="Pinned 0")
    announcements.pin_create(actor=manager, post=extra)
    queries()  # the receipt is written once
    with_two = queries()
    for i in range(1, 3):
        extra = posts.post_create(actor=manager, community=community, body=f"Pinned {i}")
        announcements.pin_create(actor=manager, post=extra)
    assert queries() == with_two == without  # one query for the pins, with or without


def test_the_pages_speak_french(closed):
    community, manager, (member, *_rest), post = closed
    pin = announcements.announcement_publish(actor=manager, post=post)
    client = signed_in(member, HTTP_ACCEPT_LANGUAGE="fr")
    settings_page = client.get("/notifications/settings/").content.decode()
    assert "Heures de travail (droit à la déconnexion)" in settings_page
    assert "Chaque publication" in settings_page
    assert "Annonce" in client.get(f"/communities/{community.slug}/").content.decode()
    reach = signed_in(manager, HTTP_ACCEPT_LANGUAGE="fr").get(f"/alerts/pins/{pin.pk}/")
    assert "Vue par 1 sur 4" in reach.content.decode()
