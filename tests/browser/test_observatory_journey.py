"""The observatory in a real browser: an administrator opens the network dashboard and
a manager their community's, on a phone and on a desktop; the charts are inline SVG
(no script, no style attribute: the CSP stays quiet), the pages pass axe, the period
picker works without JavaScript and the tables are there behind the charts.

RSE_SCREENSHOTS=<folder> saves a screenshot of each page and width there."""

import os
import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from communities.models import Community, Membership
from observatory import rollup
from posts.models import Comment, Like, Post

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, UserFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DAYS = 20


@pytest.fixture
def scene():
    rng = random.Random(4)
    now = timezone.now()
    start = now - timedelta(days=DAYS + 40)
    community = CommunityFactory(name="Lean guild")
    others = [CommunityFactory() for _ in range(5)]
    manager = UserFactory(email="manager@example.com")
    MembershipFactory(community=community, user=manager, role=Membership.Role.MANAGER)
    people = [
        UserFactory(department=rng.choice(["IT", "Sales", "HR", "Legal"]), site="Lyon")
        for _ in range(12)
    ]
    for person in people:
        MembershipFactory(community=community, user=person)
    Community.objects.update(created_at=start)
    Membership.objects.update(created_at=start)
    for n in range(DAYS):
        day = now - timedelta(days=n + 1)
        for space in [community, *others]:
            for author in rng.sample(people, k=rng.randrange(3, 9)):
                at = day.replace(hour=rng.randrange(7, 20))
                post = Post.objects.create(community=space, author=author, body="x", created_at=at)
                for reader in rng.sample(people, k=3):
                    Comment.objects.create(post=post, author=reader, body="y", created_at=at)
                    Like.objects.get_or_create(post=post, user=reader, defaults={"created_at": at})
    for n in range(DAYS):
        rollup.rollup_day(timezone.localdate() - timedelta(days=n + 1))
    admin = UserFactory(email="admin@example.com", is_superuser=True, is_staff=True)
    return {"community": community, "manager": manager, "admin": admin}


def _shot(page, name: str) -> None:
    folder = os.environ.get("RSE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_dashboards_read_well_on_a_phone_and_a_desktop(browser, live_server, scene, viewport):
    width = "phone" if viewport is PHONE else "desktop"
    context = browser.new_context(locale="en-GB", viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server, "admin@example.com", PASSWORD)
    page.goto(f"{live_server.url}/observatory/")
    expect(page.get_by_role("heading", name="Usage observatory", level=1)).to_be_visible()
    # One drawing of each chart shows: the narrow one on a phone, the wide one elsewhere.
    shown = page.locator("svg.chart:visible")
    expect(shown.first).to_be_visible()
    assert shown.count() == page.locator("svg.chart").count() // 2 >= 6
    wanted = "360" if viewport is PHONE else "640"
    assert shown.first.get_attribute("viewBox").startswith(f"0 0 {wanted} ")
    check_accessibility(page)
    _shot(page, f"observatory-network-{width}")
    # Wider than the screen: nothing but the tables scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.goto(f"{live_server.url}/observatory/communities/{scene['community'].slug}/")
    expect(page.get_by_role("heading", name="Usage of Lean guild")).to_be_visible()
    check_accessibility(page)
    _shot(page, f"observatory-community-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


def test_the_period_picker_and_the_tables_work_without_javascript(browser, live_server, scene):
    signing_in = browser.new_context(locale="en-GB", viewport=DESKTOP)
    sign_in(signing_in.new_page(), live_server, "manager@example.com", PASSWORD)
    context = browser.new_context(
        locale="en-GB",
        viewport=DESKTOP,
        java_script_enabled=False,
        storage_state=signing_in.storage_state(),
    )
    signing_in.close()
    page = context.new_page()
    page.goto(f"{live_server.url}/observatory/communities/{scene['community'].slug}/")
    page.get_by_role("combobox", name="Period").select_option("quarter")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**period=quarter**")
    members = page.locator("section", has=page.get_by_role("heading", name="Members over time"))
    members.get_by_text("Table", exact=True).click()
    expect(members.locator("table tbody tr").first).to_be_visible()
    link = members.get_by_role("link", name="Download “Members over time” (CSV)")
    assert "period=quarter" in link.get_attribute("href")
    context.close()
