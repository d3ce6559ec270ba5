"""Communities journey in a real browser: create an open community, a colleague asks
to join, the manager approves, the colleague finds it among "my communities"."""

import re

import pytest

from communities.models import Membership

from ..factories import PASSWORD, UserFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_request_approve_and_find_it_in_my_communities(browser, live_server):
    UserFactory(email="thomas.bernard@example.com", first_name="Thomas", last_name="Bernard")
    colleague = UserFactory(
        email="camille.martin@example.com", first_name="Camille", last_name="Martin"
    )

    manager_context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = manager_context.new_page()
    sign_in(page, live_server, "thomas.bernard@example.com", PASSWORD)
    page.get_by_role("navigation", name="Tabs").get_by_role("link", name="Communities").click()
    page.wait_for_url(f"{live_server.url}/communities/")
    check_accessibility(page)
    page.get_by_role("link", name="Create a community").click()
    page.wait_for_url(re.compile(r"/communities/new/"))
    check_accessibility(page)
    page.get_by_label("Name").fill("Python guild")
    page.get_by_label("Address").fill("python-guild")
    page.get_by_label("Description").fill("Developers sharing practices.")
    page.get_by_label("Access").select_option("open")
    page.get_by_label("Visibility").select_option("hidden")
    page.get_by_role("button", name="Create the community").click()
    assert "needs an audience" in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_label("Visibility").select_option("visible")
    page.get_by_role("button", name="Create the community").click()
    page.wait_for_url(f"{live_server.url}/communities/python-guild/")
    assert "The community “Python guild” is created." in page.locator(".messages").inner_text()
    check_accessibility(page)

    colleague_context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    other = colleague_context.new_page()
    sign_in(other, live_server, "camille.martin@example.com", PASSWORD)
    other.goto(f"{live_server.url}/communities/")
    check_accessibility(other)
    other.get_by_role("link", name="Python guild").click()
    other.wait_for_url(f"{live_server.url}/communities/python-guild/")
    check_accessibility(other)
    other.get_by_label("Message to the managers (optional)").fill("I write Django every day.")
    other.get_by_role("button", name="Ask to join").click()
    assert "Your request is sent to the managers." in other.locator(".messages").inner_text()
    assert "waiting for a manager" in other.locator("main").inner_text()
    check_accessibility(other)

    page.goto(f"{live_server.url}/communities/python-guild/members/")
    check_accessibility(page)
    assert "I write Django every day." in page.locator("main").inner_text()
    page.get_by_role("button", name="Approve Camille Martin").click()
    assert "Camille Martin is now a member." in page.locator(".messages").inner_text()
    check_accessibility(page)

    other.goto(f"{live_server.url}/communities/")
    other.get_by_label("Only my communities").check()
    other.get_by_role("button", name="Search").click()
    assert "1 community" in other.locator(".result-count").inner_text()
    assert other.get_by_role("link", name="Python guild").is_visible()
    check_accessibility(other)

    assert Membership.objects.get(user=colleague).status == "active"
    manager_context.close()
    colleague_context.close()
