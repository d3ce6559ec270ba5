"""Posts journey in a real browser: an author posts in a community with a tag and an
@mention (picked from the suggestions), a colleague likes it without a reload and
comments, the tag page lists the post, and the author sees both notifications."""

import re

import pytest

from communities.models import Community
from notifications.models import Notification
from posts.models import Comment, Post

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, UserFactory
from ..posts_factories import PostFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_post_mention_like_comment_and_tag_page(browser, live_server):
    author = UserFactory(
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
    atlas = CommunityFactory(name="Project Atlas", slug="atlas", access=Community.Access.CLOSED)
    MembershipFactory(community=atlas, user=author)
    MembershipFactory(community=atlas, user=colleague)

    author_context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = author_context.new_page()
    sign_in(page, live_server, "thomas.bernard@example.com", PASSWORD)
    check_accessibility(page)  # the (empty) home stream
    page.goto(f"{live_server.url}/communities/atlas/")
    check_accessibility(page)
    page.locator(".composer > summary").click()  # "Share something with …" opens it
    body = page.get_by_label("Your post")
    body.fill("Kick-off done, thanks ")
    body.press_sequentially("@cam")
    option = page.get_by_role("option", name="Camille Martin (@camille.martin)")
    option.wait_for()
    check_accessibility(page)
    body.press("ArrowDown")
    body.press("Enter")
    assert body.input_value() == "Kick-off done, thanks @camille.martin "
    page.locator("main").get_by_label("Tags").fill("Atlas, planning")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"{live_server.url}/communities/atlas/")
    assert "Your post is published." in page.locator(".messages").inner_text()
    check_accessibility(page)
    post = Post.objects.get()
    assert sorted(t.name for t in post.tags.all()) == ["atlas", "planning"]

    colleague_context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    other = colleague_context.new_page()
    sign_in(other, live_server, "camille.martin@example.com", PASSWORD)
    assert "Kick-off done" in other.locator("main").inner_text()  # in the home stream
    check_accessibility(other)
    other.goto(f"{live_server.url}/posts/{post.pk}/")
    check_accessibility(other)
    like = other.get_by_role("button", name="Like")
    other.evaluate("window.__sameDocument = true")
    like.click()
    other.wait_for_selector('button.like-button[aria-pressed="true"]')
    assert other.locator("[data-like-count]").first.inner_text() == "1"
    assert other.evaluate("window.__sameDocument") is True  # no reload
    check_accessibility(other)
    other.get_by_label("Your comment").fill("Great news!")
    other.get_by_role("button", name="Comment", exact=True).click()
    assert "Your comment is published." in other.locator(".messages").inner_text()
    assert "Great news!" in other.locator("#comments").inner_text()
    check_accessibility(other)
    other.get_by_role("link", name="Likes: 1").click()
    assert "Camille Martin" in other.locator("main").inner_text()
    check_accessibility(other)

    other.goto(f"{live_server.url}/posts/{post.pk}/")
    other.get_by_role("link", name="#atlas").click()
    other.wait_for_url(f"{live_server.url}/tags/atlas/")
    assert "Kick-off done" in other.locator("main").inner_text()
    check_accessibility(other)
    other.get_by_role("button", name="Follow this tag").click()
    assert "Unfollow this tag" in other.locator("main").inner_text()

    comment = Comment.objects.get()
    assert set(
        Notification.objects.filter(recipient=author).values_list("kind", "post_id", "comment_id")
    ) == {("liked", post.pk, None), ("commented", post.pk, comment.pk)}
    assert Notification.objects.filter(
        recipient=colleague, kind="mentioned", post=post, comment=None
    ).exists()

    # The author sees both in their notifications, and opening one leads to the post.
    page.goto(f"{live_server.url}/notifications/")
    inbox = page.locator("main")
    assert "Camille Martin liked your post." in inbox.inner_text()
    assert "Camille Martin commented on your post." in inbox.inner_text()
    check_accessibility(page)
    inbox.get_by_role("link", name="your post").first.click()
    page.wait_for_url(f"{live_server.url}/posts/{post.pk}/**")
    author_context.close()
    colleague_context.close()


def test_the_stream_loads_more_posts_on_scroll(browser, live_server, settings):
    settings.RSE_STREAM_PAGE_SIZE = 5
    reader = UserFactory(email="reader@example.com")
    free = CommunityFactory(name="News", slug="news", access=Community.Access.FREE)
    MembershipFactory(community=free, user=reader)
    for i in range(12):
        PostFactory(community=free, body=f"Item number {i}")
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, "reader@example.com", PASSWORD)
    assert page.locator("article.post").count() == 5
    page.locator("a[data-load-more]").scroll_into_view_if_needed()
    # Locators, not wait_for_function: its predicate is compiled by eval, which the
    # site's Content-Security-Policy refuses.
    page.locator("article.post").nth(9).wait_for()
    page.locator("a[data-load-more]").scroll_into_view_if_needed()
    page.locator("article.post").nth(11).wait_for()
    assert page.locator("a[data-load-more]").count() == 0
    texts = page.locator("article.post .post-body").all_inner_texts()
    assert len(set(texts)) == 12
    check_accessibility(page)
    context.close()


def test_the_author_edits_then_deletes_with_a_confirmation(browser, live_server):
    author = UserFactory(email="author@example.com")
    post = PostFactory(community=None, author=author, body="Draft words")
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server, "author@example.com", PASSWORD)
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    page.locator("article.post details[data-menu] > summary").first.click()  # the "…" menu
    page.get_by_role("link", name="Edit", exact=True).click()
    page.wait_for_url(re.compile(r"/posts/\d+/edit/"))
    check_accessibility(page)
    page.get_by_label("Your post").fill("Final words")
    page.get_by_role("button", name="Save").click()
    assert "Final words" in page.locator("main").inner_text()
    assert "edited" in page.locator(".post-meta").first.inner_text()
    check_accessibility(page)
    page.locator("article.post details[data-menu] > summary").first.click()
    page.get_by_role("link", name="Delete", exact=True).click()
    page.get_by_role("button", name="Delete this post for good").click()
    assert "Your post is deleted." in page.locator(".messages").inner_text()
    post.refresh_from_db()
    assert post.status == "deleted"
    context.close()
