"""Idea box journey in a real browser, on a phone: a member votes for an idea; a
manager plans it; the member sees its new status on the idea box and is told."""

import pytest

from communities.models import Community, Membership
from ideas.models import Idea, Vote
from notifications.models import Notification

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, UserFactory
from ..ideas_factories import IdeaFactory
from ..posts_factories import PostFactory
from .conftest import ARTIFACTS, check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_vote_then_see_the_status_change(browser, live_server):
    member = UserFactory(
        username="camille.martin",
        email="camille.martin@example.com",
        first_name="Camille",
        last_name="Martin",
    )
    manager = UserFactory(
        username="thomas.bernard",
        email="thomas.bernard@example.com",
        first_name="Thomas",
        last_name="Bernard",
    )
    plant = CommunityFactory(name="Lyon plant", slug="plant", access=Community.Access.OPEN)
    MembershipFactory(community=plant, user=member)
    MembershipFactory(community=plant, user=manager, role=Membership.Role.MANAGER)
    idea = IdeaFactory(post=PostFactory(community=plant, author=manager), title="Bike racks")

    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, live_server, "camille.martin@example.com", PASSWORD)
    page.goto(f"{live_server.url}/communities/plant/ideas/")
    check_accessibility(page)
    page.get_by_role("link", name="Bike racks").click()
    page.get_by_role("button", name="Vote for this idea").click()
    page.wait_for_url(f"{live_server.url}/posts/{idea.pk}/")
    assert "1 vote" in page.locator("main").inner_text()
    assert Vote.objects.filter(user=member).exists()
    check_accessibility(page)

    manager_context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    manager_page = manager_context.new_page()
    sign_in(manager_page, live_server, "thomas.bernard@example.com", PASSWORD)
    manager_page.goto(f"{live_server.url}/posts/{idea.pk}/")
    manager_page.get_by_text("Review this idea").click()
    manager_page.get_by_label("Status", exact=True).select_option("planned")
    manager_page.get_by_role("button", name="Change the status").click()
    manager_page.wait_for_url(f"{live_server.url}/posts/{idea.pk}/")
    check_accessibility(manager_page)
    ARTIFACTS.mkdir(exist_ok=True)
    manager_page.screenshot(path=str(ARTIFACTS / "idea-desktop.png"), full_page=True)
    manager_context.close()

    page.goto(f"{live_server.url}/communities/plant/ideas/?sort=status")
    assert "Planned" in page.locator(".idea-item").first.inner_text()
    assert Idea.objects.get(pk=idea.pk).status == "planned"
    assert Notification.objects.filter(recipient=member, kind="idea_status").exists()
    check_accessibility(page)
    page.screenshot(path=str(ARTIFACTS / "ideas-phone.png"), full_page=True)
    context.close()
