"""Moderation journey in a real browser: a member reports a post, the manager finds it
at the top of the queue and hides it with a warning, the author sees the decision with
the charter section, the reporter sees the outcome. Every page is axe-checked."""

import pytest
from playwright.sync_api import expect

from charter.services import charter_load_default
from communities.models import Membership
from moderation import services
from moderation.models import Case, Sanction
from posts.models import Post

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, UserFactory
from ..moderation_factories import reason
from ..posts_factories import PostFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(browser):
    return browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})


def test_report_decide_and_inform(browser, live_server):
    charter_load_default()
    community = CommunityFactory(name="Python guild", slug="python-guild")
    manager = UserFactory(email="thomas@example.com", first_name="Thomas", last_name="Bernard")
    member = UserFactory(email="camille@example.com", first_name="Camille", last_name="Martin")
    author = UserFactory(email="alex@example.com", first_name="Alex", last_name="Petit")
    other = UserFactory()
    for person, role in [
        (manager, "manager"),
        (member, "member"),
        (author, "member"),
        (other, "member"),
    ]:
        MembershipFactory(community=community, user=person, role=role)
    older = PostFactory(community=community, author=author, body="Buy my bike, cheap!")
    services.report_create(actor=other, post=older, reason=reason("4.10"))
    post = PostFactory(
        community=community, author=author, body="Our colleague Jean is on sick leave for cancer."
    )

    # The member reports the post from its page.
    member_context = _context(browser)
    page = member_context.new_page()
    sign_in(page, live_server, "camille@example.com", PASSWORD)
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    check_accessibility(page)
    page.locator("article.post details[data-menu] > summary").first.click()  # the "…" menu
    page.get_by_role("link", name="Report this post").click()
    page.wait_for_url(f"{live_server.url}/moderation/report/post/{post.pk}/")
    check_accessibility(page)
    page.get_by_label("§4.3 Privacy of others").check()
    page.get_by_label("Note for the moderators (optional)").fill("Health data of a colleague.")
    page.get_by_role("button", name="Send the report").click()
    assert "your report is sent to the moderators" in page.locator(".messages").inner_text()
    check_accessibility(page)

    # The manager sees it at the top of the queue and hides it with a warning.
    manager_context = _context(browser)
    desk = manager_context.new_page()
    sign_in(desk, live_server, "thomas@example.com", PASSWORD)
    assert "2 open cases" in desk.locator(".site-nav").inner_text()
    desk.get_by_role("link", name="Moderation").click()
    desk.wait_for_url(f"{live_server.url}/moderation/")
    check_accessibility(desk)
    first = desk.locator(".case-list > li").first
    assert "sick leave" in first.inner_text()
    first.get_by_role("link").click()
    case = Case.objects.get(post=post)
    desk.wait_for_url(f"{live_server.url}/moderation/cases/{case.pk}/")
    assert "Health data of a colleague." in desk.locator("main").inner_text()
    check_accessibility(desk)
    desk.get_by_role("button", name="Claim this case").click()
    assert "The case is yours for now." in desk.locator(".messages").inner_text()
    # Only the chosen decision's fields show (all of them without JavaScript).
    expect(desk.locator("#id_reason")).to_be_hidden()
    desk.locator('input[name="outcome"][value="edit"]').check()
    expect(desk.locator("#id_body")).to_be_visible()
    expect(desk.locator("#id_destination")).to_be_hidden()
    check_accessibility(desk)
    desk.get_by_label("Hide").check()
    expect(desk.locator("#id_body")).to_be_hidden()
    desk.locator("#id_reason").select_option(label="§4.3 Privacy of others")
    desk.get_by_label("Message to the author (optional)").fill(
        "Please do not share a colleague's health news."
    )
    desk.locator("#id_sanction").select_option("warning")
    desk.get_by_role("button", name="Record the decision").click()
    desk.wait_for_url(f"{live_server.url}/moderation/")
    assert "Decision recorded" in desk.locator(".messages").inner_text()
    assert "sick leave" not in desk.locator("main").inner_text()
    check_accessibility(desk)
    assert Post.objects.get(pk=post.pk).status == "hidden"
    assert Sanction.objects.get(user=author).kind == "warning"

    # The author sees the decision with the charter section.
    author_context = _context(browser)
    mine = author_context.new_page()
    sign_in(mine, live_server, "alex@example.com", PASSWORD)
    mine.goto(f"{live_server.url}/notifications/")
    inbox = mine.locator("main").inner_text()
    assert "Moderation decision on your post (hidden) — charter section §4.3" in inbox
    check_accessibility(mine)
    mine.goto(f"{live_server.url}/moderation/mine/")
    text = mine.locator("main").inner_text()
    assert "Hidden" in text and "§4.3" in text and "Privacy of others" in text
    assert "Please do not share a colleague's health news." in text
    assert "Warning" in text
    check_accessibility(mine)

    # The reporter sees the outcome, not who decided nor the sanction.
    page.goto(f"{live_server.url}/moderation/mine/")
    reports = page.locator("#reports").inner_text()
    assert "the moderators acted on the content" in reports
    assert "Thomas" not in reports and "Warning" not in reports
    check_accessibility(page)

    assert Membership.objects.get(user=author).status == "active"
    for context in (member_context, manager_context, author_context):
        context.close()
