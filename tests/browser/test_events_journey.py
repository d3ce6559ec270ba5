"""Events journey in a real browser, on a phone: an organiser creates an event; a
colleague sees it on the home page, answers going, downloads the .ics (parsed with
icalendar) and finds herself among the attendees."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from communities.models import Community
from events.models import Event, Rsvp

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, UserFactory
from .conftest import ARTIFACTS, check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_rsvp_and_download_the_ics(browser, live_server):
    organiser = UserFactory(
        username="thomas.bernard",
        email="thomas.bernard@example.com",
        first_name="Thomas",
        last_name="Bernard",
    )
    colleague = UserFactory(
        username="camille.martin",
        email="camille.martin@example.com",
        first_name="Camille",
        last_name="Martin",
    )
    lean = CommunityFactory(name="Lean network", slug="lean", access=Community.Access.OPEN)
    MembershipFactory(community=lean, user=organiser)
    MembershipFactory(community=lean, user=colleague)
    day = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%d")

    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server, "thomas.bernard@example.com", PASSWORD)
    page.goto(f"{live_server.url}/communities/lean/")
    page.get_by_role("link", name="Create an event").click()
    page.wait_for_url(re.compile(r"/events/new/"))
    check_accessibility(page)
    main = page.locator("main")
    main.get_by_label("Title").fill("Kaizen day")
    main.get_by_label("Starts").fill(f"{day}T09:00")
    main.get_by_label("Ends").fill(f"{day}T12:00")
    main.get_by_label("Place").fill("Lyon, building B")
    main.get_by_label("Capacity").fill("10")
    main.get_by_label("Description").fill("A morning on the line.")
    page.get_by_role("button", name="Publish the event").click()
    event = Event.objects.get()
    page.wait_for_url(f"{live_server.url}/posts/{event.pk}/")
    check_accessibility(page)
    context.close()

    context = browser.new_context(
        locale="en-GB", viewport={"width": 390, "height": 844}, accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, live_server, "camille.martin@example.com", PASSWORD)
    upcoming = page.locator(".upcoming-events")
    assert "Kaizen day" in upcoming.inner_text()
    check_accessibility(page)
    upcoming.get_by_role("link", name="Kaizen day").click()
    page.get_by_role("button", name="Going", exact=True).click()
    page.wait_for_url(f"{live_server.url}/posts/{event.pk}/")
    assert "Your answer is saved." in page.locator(".messages").inner_text()
    assert "Your answer: going." in page.locator("main").inner_text()
    assert Rsvp.objects.get(user=colleague).answer == "going"
    check_accessibility(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "event-phone.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = Calendar.from_ical(open(download_info.value.path(), "rb").read())  # noqa: SIM115
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Kaizen day"
    assert item.decoded("DTSTART") == event.starts_at
    assert "Lyon, building B" in str(item["LOCATION"])

    page.get_by_role("link", name="Who comes").click()
    assert "Camille Martin" in page.locator("main").inner_text()
    check_accessibility(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/posts/{event.pk}/")
    page.screenshot(path=str(ARTIFACTS / "event-desktop.png"), full_page=True)
    context.close()
