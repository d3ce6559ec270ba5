"""Search journey in a real browser: from the home page, type in the search box, pick a
colleague among the suggestions, then find a post by one of its words."""

import pytest

from charter.services import charter_load_default

from ..communities_factories import CommunityFactory
from ..factories import PASSWORD, UserFactory
from ..posts_factories import PostFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suggestions_lead_to_a_colleague_and_words_to_a_post(page, live_server):
    charter_load_default()
    UserFactory(email="camille.martin@example.com", first_name="Camille", last_name="Martin")
    colleague = UserFactory(first_name="Jean", last_name="Dupont", job_title="Architecte")
    hidden = CommunityFactory(name="Dupont secret board", access="closed", visibility="hidden")
    PostFactory(community=hidden, body="Dupont salary review")
    guild = CommunityFactory(name="Python guild", access="free")
    PostFactory(community=guild, author=colleague, body="La **réunion** trimestrielle du guilde.")

    sign_in(page, live_server, "camille.martin@example.com", PASSWORD)
    check_accessibility(page)
    box = page.get_by_role("combobox", name="Search people, communities, posts and tags")
    box.press_sequentially("dupo", delay=30)
    option = page.get_by_role("option", name="Jean Dupont")
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert "secret" not in page.get_by_role("listbox").inner_text()
    check_accessibility(page)
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
    box.press("Enter")
    page.wait_for_url(f"{live_server.url}/people/{colleague.username}/")
    check_accessibility(page)

    box = page.get_by_role("combobox", name="Search people, communities, posts and tags")
    box.fill("reunion trimestrielle")
    box.press("Enter")
    page.wait_for_url(f"{live_server.url}/search/?q=reunion+trimestrielle")
    posts = page.locator("#section-posts").locator("..")
    assert "(1)" in posts.locator("h2").inner_text()
    assert posts.locator("mark").first.inner_text() == "réunion"
    check_accessibility(page)
    posts.get_by_role("link", name="Filter these results").click()
    page.wait_for_url(f"{live_server.url}/search/posts/?q=reunion%20trimestrielle")
    check_accessibility(page)
    page.get_by_label("Community").select_option(label="Python guild")
    page.get_by_label("From").fill("2020-01-01")
    page.get_by_role("button", name="Search", exact=True).click()
    assert "1 result" in page.locator(".result-count").inner_text()
    page.get_by_label("Community").select_option(label="Any community")
    page.get_by_label("From").fill("2099-01-01")
    page.get_by_role("button", name="Search", exact=True).click()
    assert "0 results" in page.locator(".result-count").inner_text()
    check_accessibility(page)
    page.go_back()
    page.go_back()
    posts = page.locator("#section-posts").locator("..")
    posts.get_by_role("link", name="Read the post by Jean Dupont").click()
    page.wait_for_url(f"{live_server.url}/posts/*/")
    assert "trimestrielle" in page.locator("main").inner_text()
    check_accessibility(page)


def test_the_search_box_works_without_javascript(browser, live_server):
    charter_load_default()
    UserFactory(email="camille.martin@example.com", first_name="Camille", last_name="Martin")
    UserFactory(first_name="Jean", last_name="Dupont")
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail").fill("camille.martin@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{live_server.url}/")
        page.get_by_label("Search people, communities, posts and tags").fill("@dupont")
        page.get_by_role("button", name="Find").click()
        page.wait_for_url(f"{live_server.url}/search/?q=%40dupont")
        assert page.get_by_role("link", name="Jean Dupont").is_visible()
    finally:
        context.close()
