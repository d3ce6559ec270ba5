"""On a 390×844 phone the first post shows in the first screen of home, a community
and a profile (above the tab bar), pages pass axe at both widths, and a comment is
written from the stream without leaving it."""

import pytest
from playwright.sync_api import expect

from communities.models import Community

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, UserFactory
from ..posts_factories import CommentFactory, PostFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def scene():
    reader = UserFactory(email="reader@example.com", first_name="Nina", last_name="Durand")
    guild = CommunityFactory(
        access=Community.Access.OPEN,
        name="Lean guild",
        description="Continuous improvement: methods, results and questions. " * 3,
    )
    MembershipFactory(community=guild, user=reader)
    for n in range(4):
        post = PostFactory(
            community=guild, author=reader if n == 0 else UserFactory(), body=f"News {n}"
        )
        CommentFactory(post=post, body=f"Nice {n}")
    return {"reader": reader, "guild": guild}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_first_post_is_in_the_first_screen(browser, live_server, scene, viewport):
    context = browser.new_context(locale="en-GB", viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server, "reader@example.com", PASSWORD)
    for path in (
        "/",
        f"/communities/{scene['guild'].slug}/",
        f"/people/{scene['reader'].username}/",
    ):
        page.goto(f"{live_server.url}{path}")
        top = page.locator("article.post").first.bounding_box()["y"]
        bars = page.locator(".tab-bar")
        bottom = viewport["height"] - (bars.bounding_box()["height"] if bars.is_visible() else 0)
        assert top < bottom - 40, f"{path}: the first post starts at {top}px"
        check_accessibility(page)
    context.close()


def test_a_comment_from_the_stream_comes_back_to_the_stream(browser, live_server, scene):
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, "reader@example.com", PASSWORD)
    assert page.locator(".tab-bar").is_visible()
    page.locator("article.post textarea[name=body]").first.fill("Count me in")
    page.locator("article.post").first.get_by_role("button", name="Comment", exact=True).click()
    page.wait_for_url(f"{live_server.url}/#post-*")
    assert "Count me in" in page.locator("article.post").first.inner_text()
    check_accessibility(page)
    page.locator(".composer > summary").click()
    # The caret goes into the text on the "toggle" event, which fires after the click:
    # wait for it (auto-retrying assertion) instead of reading the focus at once.
    expect(page.locator(".composer textarea[name=body]")).to_be_focused()
    context.close()


def test_the_unread_counter_updates_without_a_reload(browser, live_server, scene):
    from notifications.models import Kind

    from ..notifications_factories import NotificationFactory

    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, "reader@example.com", PASSWORD)
    tabs = page.get_by_role("navigation", name="Tabs")
    assert not tabs.locator(".tab-count").is_visible()
    page.evaluate("window.__sameDocument = true")
    NotificationFactory(recipient=scene["reader"], kind=Kind.FOLLOWED)
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # a poll, now
    tabs.locator(".tab-count").wait_for(state="visible")
    assert tabs.locator(".tab-count").inner_text() == "1"
    assert page.evaluate("window.__sameDocument") is True
    check_accessibility(page)
    context.close()
