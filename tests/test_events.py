"""Events: creating (and bad input), answering (idempotent, capacity and waiting list),
who may answer and cancel (role × community kind), the attendees, the .ics file and
the calendar feed (parsed with icalendar), reminders, the home page, list queries."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from audit.models import AuditEntry
from communities.models import Community, Membership
from events import services
from events.models import CalendarFeed, Event, Rsvp
from notifications.models import Notification
from posts.models import Post

from .communities_factories import CommunityFactory, MembershipFactory
from .events_factories import EventFactory
from .factories import UserFactory
from .posts_factories import PostFactory
from .test_posts_access_matrix import EXPECTED, KINDS, ROLES, _community, _person

pytestmark = pytest.mark.django_db


@pytest.fixture
def free():
    return CommunityFactory(access=Community.Access.FREE, slug="sites")


def _form(**changes) -> dict:
    data = {
        "title": "Lean day in Lyon",
        "starts_at": "2030-03-10T18:00",
        "ends_at": "2030-03-10T20:30",
        "time_zone": "America/New_York",
        "place": "Lyon, building B",
        "online_url": "https://meet.example.com/lean",
        "capacity": "30",
        "body": "Talks and a tour of the line.",
        "tags": "lean",
        "community": "sites",
    }
    data.update(changes)
    return data


# --- Creating ----------------------------------------------------------------------------


def test_creating_an_event_in_the_zone_given(client, employee, free):
    client.force_login(employee)
    response = client.post("/events/new/", _form())
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/posts/{event.pk}/"
    assert event.starts_at == datetime(2030, 3, 10, 22, 0, tzinfo=UTC)  # 18:00 in New York
    assert event.ends_at - event.starts_at == timedelta(hours=2, minutes=30)
    assert (event.time_zone, event.capacity, event.post.community) == (
        "America/New_York",
        30,
        free,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Lean day in Lyon" in page and "America/New_York" in page and "6 p.m." in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_at": "2030-03-10T17:00"}, "The event must end after it starts."),
        ({"ends_at": "2030-03-10T18:00"}, "The event must end after it starts."),
        ({"capacity": "0"}, "The capacity must be at least 1, or empty for no limit."),
        ({"capacity": "-3"}, "The capacity must be at least 1, or empty for no limit."),
        ({"title": "x" * 1000}, "The title is too long: 1000 characters, at most 200."),
        ({"place": "", "online_url": ""}, "Give a place, an online link, or both."),
        ({"online_url": "javascript:alert(1)"}, "The online link must be a web address"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice."),
        ({"starts_at": "tomorrow"}, "Enter a valid date/time."),
        ({"body": ""}, "This field is required."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(client, employee, free, changes, message):
    client.force_login(employee)
    response = client.post("/events/new/", _form(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Talks and a tour of the line." in response.content.decode() or changes.get("body") == ""
    assert not Event.objects.exists() and not Post.objects.exists()


def test_no_capacity_means_no_limit(client, employee, free):
    client.force_login(employee)
    client.post("/events/new/", _form(capacity=""))
    assert Event.objects.get().capacity is None


# --- Answering ---------------------------------------------------------------------------


def test_answering_twice_counts_once(employee, free):
    event = EventFactory(post=PostFactory(community=free))
    services.rsvp_set(actor=employee, event=event, answer="going")
    services.rsvp_set(actor=employee, event=event, answer="going")
    event.refresh_from_db()
    assert (event.going_count, Rsvp.objects.count()) == (1, 1)
    services.rsvp_set(actor=employee, event=event, answer="maybe")
    event.refresh_from_db()
    assert (event.going_count, event.maybe_count) == (0, 1)


def test_a_full_event_puts_people_on_the_waiting_list_and_moves_them_up(free):
    event = EventFactory(post=PostFactory(community=free), capacity=2)
    first, second, third, fourth = (UserFactory() for _ in range(4))
    for person in (first, second, third, fourth):
        services.rsvp_set(actor=person, event=event, answer="going")
    event.refresh_from_db()
    assert (event.going_count, event.waiting_count) == (2, 2)
    assert Rsvp.objects.get(user=third).waiting and Rsvp.objects.get(user=fourth).waiting
    services.rsvp_set(actor=first, event=event, answer="not_going")
    event.refresh_from_db()
    assert (event.going_count, event.waiting_count) == (2, 1)
    assert not Rsvp.objects.get(user=third).waiting  # the oldest waiting moves up
    note = Notification.objects.get(kind="event", recipient=third)
    assert note.data == {"event": "moved_up"}
    # Leaving the waiting list frees nothing.
    services.rsvp_set(actor=fourth, event=event, answer="maybe")
    event.refresh_from_db()
    assert (event.going_count, event.maybe_count, event.waiting_count) == (2, 1, 0)


def test_the_rsvp_page_flow(client, employee, free):
    event = EventFactory(post=PostFactory(community=free), capacity=1)
    client.force_login(employee)
    response = client.post(f"/events/{event.pk}/rsvp/", {"answer": "going"}, follow=True)
    assert "Your answer is saved." in response.content.decode()
    client.force_login(UserFactory())
    response = client.post(f"/events/{event.pk}/rsvp/", {"answer": "going"}, follow=True)
    assert "The event is full: you are on the waiting list." in response.content.decode()
    response = client.post(f"/events/{event.pk}/rsvp/", {"answer": "yes!"}, follow=True)
    assert "Choose going, maybe or not going." in response.content.decode()
    assert Rsvp.objects.count() == 2


@pytest.mark.parametrize(("kind", "role"), [(k, r) for k in KINDS for r in ROLES])
def test_who_may_answer(client, kind, role):
    community = _community(kind)
    event = EventFactory(post=PostFactory(community=community))
    user = _person(role, community)
    client.force_login(user)
    response = client.post(f"/events/{event.pk}/rsvp/", {"answer": "going"})
    assert response.status_code in {302, 404}
    assert Rsvp.objects.filter(user=user).exists() is EXPECTED[kind][role]


def test_a_cancelled_or_past_event_takes_no_answer(client, employee, free):
    cancelled = EventFactory(post=PostFactory(community=free), cancelled_at=timezone.now())
    now = timezone.now()
    past = EventFactory(
        post=PostFactory(community=free),
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=1),
    )
    client.force_login(employee)
    page = client.post(f"/events/{cancelled.pk}/rsvp/", {"answer": "going"}, follow=True)
    assert "This event is cancelled." in page.content.decode()
    page = client.post(f"/events/{past.pk}/rsvp/", {"answer": "going"}, follow=True)
    assert "This event is over." in page.content.decode()
    assert not Rsvp.objects.exists()


def test_a_plain_post_is_no_event(client, employee, free):
    post = PostFactory(community=free)
    client.force_login(employee)
    assert client.post(f"/events/{post.pk}/rsvp/", {"answer": "going"}).status_code == 404
    assert client.get(f"/events/{post.pk}/event.ics").status_code == 404


# --- Cancelling --------------------------------------------------------------------------

CANCELLERS = {
    "organiser": True,
    "manager": True,
    "moderator": True,
    # Site moderators too, where they may read (here they may not: 404).
    "site_moderator": False,
    "member": False,
    "employee": False,
}


@pytest.mark.parametrize(("who", "allowed"), list(CANCELLERS.items()))
def test_who_may_cancel(client, site_moderator, who, allowed):
    community = CommunityFactory(access=Community.Access.OPEN)
    organiser = UserFactory()
    MembershipFactory(community=community, user=organiser)
    event = EventFactory(post=PostFactory(community=community, author=organiser))
    attendee = UserFactory()
    MembershipFactory(community=community, user=attendee)
    services.rsvp_set(actor=attendee, event=event, answer="going")
    actor = {
        "organiser": organiser,
        "site_moderator": site_moderator,
        "employee": UserFactory(),
    }.get(who)
    if actor is None:
        actor = UserFactory()
        role = Membership.Role.MEMBER if who == "member" else Membership.Role(who)
        MembershipFactory(community=community, user=actor, role=role)
    client.force_login(actor)
    response = client.post(f"/events/{event.pk}/cancel/", {"reason": "The room is flooded."})
    event.refresh_from_db()
    assert event.is_cancelled is allowed
    assert AuditEntry.objects.filter(action="event.cancelled").exists() is allowed
    told = Notification.objects.filter(kind="event", recipient=attendee, data__event="cancelled")
    assert told.exists() is allowed
    if allowed:
        assert told.get().data["reason"] == "The room is flooded."
    elif who in {"employee", "site_moderator"}:
        assert response.status_code == 404  # may not even read the open community


def test_a_site_moderator_cancels_where_they_may_read(client, site_moderator, free):
    event = EventFactory(post=PostFactory(community=free))
    client.force_login(site_moderator)
    client.post(f"/events/{event.pk}/cancel/", {"reason": ""})
    event.refresh_from_db()
    assert event.is_cancelled and event.cancelled_by == site_moderator


def test_cancelling_twice_is_refused_and_told_once(employee, free):
    event = EventFactory(post=PostFactory(community=free, author=employee))
    services.event_cancel(actor=employee, event=event)
    with pytest.raises(Exception, match="already cancelled"):
        services.event_cancel(actor=employee, event=event)
    assert AuditEntry.objects.filter(action="event.cancelled").count() == 1


# --- Attendees, .ics and calendar feed ---------------------------------------------------


def test_attendees_are_listed_for_readers_only(client, employee):
    closed = CommunityFactory(access=Community.Access.CLOSED)
    member = UserFactory(first_name="Inès", last_name="Garnier")
    MembershipFactory(community=closed, user=member)
    event = EventFactory(post=PostFactory(community=closed))
    services.rsvp_set(actor=member, event=event, answer="going")
    client.force_login(member)
    assert "Inès Garnier" in client.get(f"/events/{event.pk}/attendees/").content.decode()
    client.force_login(employee)
    assert client.get(f"/events/{event.pk}/attendees/").status_code == 404
    assert client.get(f"/events/{event.pk}/event.ics").status_code == 404


def test_the_ics_file_parses(client, employee, free):
    event = EventFactory(
        post=PostFactory(community=free, body="Bring your badge."),
        title="Kaizen workshop",
        starts_at=datetime(2030, 6, 1, 7, 30, tzinfo=UTC),
        ends_at=datetime(2030, 6, 1, 9, 0, tzinfo=UTC),
        time_zone="Europe/Paris",
        online_url="https://meet.example.com/kaizen",
    )
    client.force_login(employee)
    response = client.get(f"/events/{event.pk}/event.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Kaizen workshop"
    start = item.decoded("DTSTART")
    assert start == datetime(2030, 6, 1, 7, 30, tzinfo=UTC)
    assert str(start.tzinfo) == "Europe/Paris" and start.hour == 9
    assert "Lyon, room 4" in str(item["LOCATION"])
    assert "https://meet.example.com/kaizen" in str(item["LOCATION"])
    assert "Bring your badge." in str(item["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")  # the zone travels with the times


def test_the_calendar_feed(client, employee, free):
    going = EventFactory(post=PostFactory(community=free), title="Going one")
    maybe = EventFactory(post=PostFactory(community=free), title="Maybe one")
    declined = EventFactory(post=PostFactory(community=free), title="Declined one")
    closed = CommunityFactory(access=Community.Access.CLOSED)
    membership = MembershipFactory(community=closed, user=employee)
    secret = EventFactory(post=PostFactory(community=closed), title="Members only")
    for event, answer in ((going, "going"), (maybe, "maybe"), (declined, "not_going")):
        services.rsvp_set(actor=employee, event=event, answer=answer)
    services.rsvp_set(actor=employee, event=secret, answer="going")
    membership.status = Membership.Status.LEFT
    membership.save()
    client.force_login(employee)
    page = client.get("/events/calendar/").content.decode()
    token = CalendarFeed.objects.get(user=employee).token
    assert f"/events/calendar/{token}.ics" in page
    client.logout()  # calendar programs have no session
    response = client.get(f"/events/calendar/{token}.ics")
    titles = {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert titles == {"Going one", "Maybe one"}
    assert client.get("/events/calendar/not-a-token.ics").status_code == 404
    client.force_login(employee)
    client.post("/events/calendar/")
    client.logout()
    assert client.get(f"/events/calendar/{token}.ics").status_code == 404


def test_a_cancelled_event_says_so_in_calendars(client, employee, free):
    event = EventFactory(post=PostFactory(community=free, author=employee))
    services.rsvp_set(actor=employee, event=event, answer="going")
    services.event_cancel(actor=employee, event=event)
    client.force_login(employee)
    calendar = Calendar.from_ical(client.get(f"/events/{event.pk}/event.ics").content)
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


# --- Reminders ---------------------------------------------------------------------------


def test_reminders_the_day_before_once(free):
    start = datetime(2030, 5, 20, 8, 0, tzinfo=UTC)
    soon = EventFactory(post=PostFactory(community=free), starts_at=start + timedelta(hours=20))
    later = EventFactory(post=PostFactory(community=free), starts_at=start + timedelta(days=3))
    called_off = EventFactory(
        post=PostFactory(community=free), starts_at=start + timedelta(hours=5)
    )
    people = [UserFactory() for _ in range(3)]
    with time_machine.travel(start - timedelta(days=1), tick=False):
        for event in (soon, later, called_off):
            services.rsvp_set(actor=people[0], event=event, answer="going")
        services.rsvp_set(actor=people[1], event=soon, answer="maybe")
        services.rsvp_set(actor=people[2], event=soon, answer="not_going")
        services.event_cancel(actor=called_off.post.author, event=called_off)
    Notification.objects.all().delete()
    with time_machine.travel(start, tick=False):
        call_command("event_reminders", "--dry-run", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert not Notification.objects.exists()
        call_command("event_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("event_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    reminded = Notification.objects.filter(kind="event", data__event="reminder")
    assert sorted(n.recipient_id for n in reminded) == sorted([people[0].pk, people[1].pk])
    assert {n.post_id for n in reminded} == {soon.pk}


# --- Lists, home, queries ----------------------------------------------------------------


def test_home_shows_the_upcoming_events_of_my_communities(client, employee):
    mine = CommunityFactory(access=Community.Access.OPEN)
    MembershipFactory(community=mine, user=employee)
    other = CommunityFactory(access=Community.Access.FREE)
    EventFactory(post=PostFactory(community=mine), title="Ours")
    EventFactory(post=PostFactory(community=other), title="Theirs")
    EventFactory(post=PostFactory(community=mine), title="Called off", cancelled_at=timezone.now())
    client.force_login(employee)
    page = client.get("/").content.decode()
    upcoming = page.split('id="upcoming-heading"')[1].split("</section>")[0]
    assert "Ours" in upcoming
    assert "Called off" not in upcoming and "Theirs" not in upcoming


def test_the_events_list_upcoming_and_past(client, employee, free):
    now = timezone.now()
    EventFactory(post=PostFactory(community=free), title="Next week")
    EventFactory(
        post=PostFactory(community=free),
        title="Last month",
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=30) + timedelta(hours=1),
    )
    client.force_login(employee)
    upcoming = client.get("/events/").content.decode()
    assert "Next week" in upcoming and "Last month" not in upcoming
    past = client.get("/events/?when=past").content.decode()
    assert "Last month" in past and "Next week" not in past


@pytest.mark.parametrize("url", ["/events/", "/events/?when=past", "/", "/communities/sites/"])
def test_list_queries_do_not_grow(client, free, django_assert_max_num_queries, url):
    reader = UserFactory()
    MembershipFactory(community=free, user=reader)
    # Enough colleagues that home's "people to follow" reads its index window only (with
    # fewer than five it reads once more, whatever the events).
    UserFactory.create_batch(6)

    def grow(count):
        now = timezone.now()
        for n in range(count):
            start = now + timedelta(days=n + 1) if n % 2 else now - timedelta(days=n + 1)
            event = EventFactory(
                post=PostFactory(community=free),
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
            Rsvp.objects.create(event=event, user=UserFactory(), answer="going")

    grow(2)
    client.force_login(reader)
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    grow(12)
    with django_assert_max_num_queries(20) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
