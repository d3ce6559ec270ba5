"""The social journey of issue 17, at 390×844 and at desktop width: an author posts in
a community with a mention and a tag picked from the suggestions and two images; a
colleague sees "1 new post — show" without a reload, likes it, comments from the
stream, opens the image viewer and leaves it with Escape; the author gets the grouped
notification ("… and 1 other liked your post “…”") without a reload. axe-core runs on
every page visited."""

import io

import pytest
from playwright.sync_api import expect

from communities.models import Community
from posts import services as post_services
from posts.models import Post

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, UserFactory
from ..posts_factories import PostFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def png(colour: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 420), colour).save(out, "PNG")
    return out.getvalue()


def poll_now(page) -> None:
    """The page's polls run every 30 s while visible, and at once when it becomes
    visible again: that event, sent by hand, makes them ask now."""
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_post_pick_like_comment_view_images_and_get_the_grouped_notification(
    browser, live_server, viewport
):
    author = UserFactory(
        username="thomas.bernard",
        email="thomas.bernard@example.com",
        first_name="Thomas",
        last_name="Bernard",
    )
    reader = UserFactory(
        username="camille.martin",
        email="camille.martin@example.com",
        first_name="Camille",
        last_name="Martin",
    )
    third = UserFactory(first_name="Nina", last_name="Durand")
    atlas = CommunityFactory(name="Project Atlas", slug="atlas", access=Community.Access.CLOSED)
    for person in (author, reader, third):
        MembershipFactory(community=atlas, user=person)
    PostFactory(community=atlas, author=third, body="Earlier notes", tags=["planning"])

    reading = browser.new_context(locale="en-GB", viewport=viewport)
    home = reading.new_page()
    sign_in(home, live_server, "camille.martin@example.com", PASSWORD)
    check_accessibility(home)
    home.evaluate("window.__sameDocument = true")

    # The author posts, picking the mention and the tag from the suggestions.
    writing = browser.new_context(locale="en-GB", viewport=viewport)
    page = writing.new_page()
    sign_in(page, live_server, "thomas.bernard@example.com", PASSWORD)
    page.goto(f"{live_server.url}/communities/atlas/")
    page.locator(".composer > summary").click()
    body = page.locator("#id_body")
    body.fill("Kick-off of the Atlas project, thanks ")
    body.press_sequentially("@cam")
    expect(page.get_by_role("option", name="Camille Martin (@camille.martin)")).to_be_visible()
    expect(body).to_have_attribute("aria-activedescendant", "suggestions-1-0")
    check_accessibility(page)
    body.press("Enter")
    expect(body).to_have_value("Kick-off of the Atlas project, thanks @camille.martin ")
    tags = page.locator("#id_tags")
    tags.press_sequentially("plan")
    expect(page.get_by_role("option", name="#planning")).to_be_visible()
    tags.press("Enter")
    expect(tags).to_have_value("planning, ")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-composer-preview] a.mention")).to_have_text("@camille.martin")
    check_accessibility(page)
    page.get_by_role("button", name="Write").click()
    page.locator("#id_attachments").set_input_files(
        [
            {"name": "site-a.png", "mimeType": "image/png", "buffer": png("steelblue")},
            {"name": "site-b.png", "mimeType": "image/png", "buffer": png("orange")},
        ]
    )
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Your post is published.")
    post = Post.objects.get(author=author)
    assert [t.name for t in post.tags.all()] == ["planning"]
    assert post.attachments.count() == 2

    # The reader's home says so without a reload; "show" brings the post.
    poll_now(home)
    banner = home.locator("[data-fresh-link]")
    expect(banner).to_have_text("1 new post — show")
    assert home.evaluate("window.__sameDocument") is True
    check_accessibility(home)
    banner.click()
    card = home.locator(f"#post-{post.pk}")
    expect(card).to_contain_text("Kick-off of the Atlas project")

    # Like, and comment from the stream.
    card.get_by_role("button", name="Like").click()
    expect(card.locator('button.like-button[aria-pressed="true"]')).to_be_visible()
    card.locator("textarea[name=body]").fill("Count me in")
    card.get_by_role("button", name="Comment", exact=True).click()
    expect(home.locator(f"#post-{post.pk}")).to_contain_text("Count me in")
    check_accessibility(home)

    # The image viewer: arrows, Escape, and the focus back where it was.
    card = home.locator(f"#post-{post.pk}")
    first = card.locator(".attachment-grid a[data-viewer]").first
    first.click()
    viewer = home.locator("dialog.image-viewer")
    expect(viewer).to_be_visible()
    expect(viewer.locator("figcaption")).to_contain_text("1 of 2")
    check_accessibility(home)
    home.keyboard.press("ArrowRight")
    expect(viewer.locator("figcaption")).to_contain_text("2 of 2")
    home.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(first).to_be_focused()

    # A second like: the author's inbox gathers both, without a reload.
    page.goto(f"{live_server.url}/notifications/")
    page.evaluate("window.__sameDocument = true")
    post_services.like_toggle(actor=third, post=post, liked=True)
    poll_now(page)
    expect(page.locator(".notification-list")).to_contain_text(
        "Nina Durand and 1 other liked your post “Kick-off of the Atlas project, thanks"
    )
    expect(page.locator(".notification-list")).to_contain_text(
        "Camille Martin commented on your post"
    )
    assert page.evaluate("window.__sameDocument") is True
    check_accessibility(page)
    reading.close()
    writing.close()
