"""Alerts in a real browser: a manager is alerted of a join request without reloading
and approves it; a member sees an announcement pinned, dismisses it, and its author
sees "seen by" change. Screenshots at phone and desktop widths in test-artifacts/."""

import re

import pytest

from communities.models import Community, Membership
from posts import services as posts

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, UserFactory
from .conftest import ARTIFACTS, check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"alerts-{name}.png"), full_page=True)


def test_the_manager_is_alerted_of_a_request_without_reloading(browser, live_server):
    manager = UserFactory(
        email="thomas.bernard@example.com", first_name="Thomas", last_name="Bernard"
    )
    UserFactory(email="camille.martin@example.com", first_name="Camille", last_name="Martin")
    community = CommunityFactory(
        name="Python guild", slug="python-guild", access=Community.Access.OPEN
    )
    MembershipFactory(community=community, user=manager, role="manager")

    manager_context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = manager_context.new_page()
    sign_in(page, live_server, "thomas.bernard@example.com", PASSWORD)
    nav = page.get_by_role("navigation", name="Tabs")
    assert nav.get_by_role("link", name="Notifications", exact=True).is_visible()

    colleague_context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    other = colleague_context.new_page()
    sign_in(other, live_server, "camille.martin@example.com", PASSWORD)
    other.goto(f"{live_server.url}/communities/python-guild/")
    other.get_by_role("button", name="Ask to join").click()
    assert "Your request is sent to the managers." in other.locator(".messages").inner_text()

    # The manager's page polls the counter (every 30 s, and when the tab comes back
    # into view): no reload.
    url_before = page.url
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    counter = nav.get_by_role("link", name=re.compile(r"^Notifications\s*,\s*1 unread$"))
    counter.wait_for()
    assert page.url == url_before
    shot(page, "manager-counter-phone")
    counter.click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert "Camille Martin asks to join Python guild" in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name="decide the request").click()
    page.wait_for_url(f"{live_server.url}/communities/python-guild/members/")
    page.get_by_role("button", name="Approve Camille Martin").click()
    assert "Camille Martin is now a member." in page.locator(".messages").inner_text()
    check_accessibility(page)
    assert (
        Membership.objects.get(community=community, user__first_name="Camille").status == "active"
    )


def test_an_announcement_pinned_dismissed_and_seen(browser, live_server):
    manager = UserFactory(
        email="thomas.bernard@example.com", first_name="Thomas", last_name="Bernard"
    )
    member = UserFactory(
        email="camille.martin@example.com", first_name="Camille", last_name="Martin"
    )
    community = CommunityFactory(name="Project Atlas", slug="atlas", access=Community.Access.CLOSED)
    MembershipFactory(community=community, user=manager, role="manager")
    MembershipFactory(community=community, user=member)
    MembershipFactory(community=community, user=UserFactory(first_name="Léa", last_name="Petit"))

    author_context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = author_context.new_page()
    sign_in(page, live_server, "thomas.bernard@example.com", PASSWORD)
    post = posts.post_create(
        actor=manager, community=community, body="The **go-live** moves to Monday 7 December."
    )
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    page.get_by_role("link", name="Announce or pin this post").click()
    page.wait_for_url(re.compile(r"/alerts/posts/\d+/announce/"))
    check_accessibility(page)
    page.get_by_label("Announce it").check()
    page.get_by_role("button", name="Confirm").click()
    assert "The post is announced" in page.locator(".messages").inner_text()
    page.get_by_role("link", name="Seen by 0").click()
    assert "Seen by 0 of 3" in page.locator("main").inner_text()
    assert "§5.8" in page.locator("main").inner_text()
    assert "Camille Martin" in page.locator("main").inner_text()  # not seen yet
    check_accessibility(page)
    reach_url = page.url

    member_context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    other = member_context.new_page()
    sign_in(other, live_server, "camille.martin@example.com", PASSWORD)
    other.goto(f"{live_server.url}/communities/atlas/")
    pinned = other.get_by_role("region", name="Pinned")
    assert "go-live" in pinned.inner_text() and "Announcement" in pinned.inner_text()
    check_accessibility(other)
    shot(other, "announcement-phone")
    pinned.get_by_role("button", name="Dismiss this announcement").click()
    assert "The announcement is dismissed." in other.locator(".messages").inner_text()
    assert other.get_by_role("region", name="Pinned").count() == 0

    page.goto(reach_url)
    main = page.locator("main").inner_text()
    assert "Seen by 1 of 3" in main
    assert "Camille Martin" not in main.split("have not seen it yet")[1]
    shot(page, "reach-desktop")


def test_settings_page_at_both_widths(browser, live_server):
    me = UserFactory(email="camille.martin@example.com", first_name="Camille", last_name="Martin")
    for name in ("Python guild", "Runners", "Photographers"):
        MembershipFactory(community=CommunityFactory(name=name), user=me)
    for width, height, name in ((390, 844, "phone"), (1280, 900, "desktop")):
        context = browser.new_context(locale="en-GB", viewport={"width": width, "height": height})
        page = context.new_page()
        sign_in(page, live_server, "camille.martin@example.com", PASSWORD)
        page.goto(f"{live_server.url}/notifications/settings/")
        check_accessibility(page)
        shot(page, f"settings-{name}")
        page.get_by_label("Runners").select_option("none")
        page.get_by_role("button", name="Save my alerts").click()
        assert "Your alerts are saved." in page.locator(".messages").inner_text()
        page.get_by_label("My working day starts at").fill("18:00")
        page.get_by_label("and ends at").fill("09:00")
        page.get_by_role("button", name="Save my working hours").click()
        assert "The working day must end after it starts." in page.locator("main").inner_text()
        check_accessibility(page)
        context.close()
