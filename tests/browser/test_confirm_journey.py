"""A manager bans a member: the dialog asks first (Escape closes it and nothing
happens), then bans once confirmed; the same confirmation works as a page without
JavaScript."""

import pytest
from playwright.sync_api import expect

from communities.models import Community, Membership

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, UserFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene():
    guild = CommunityFactory(access=Community.Access.OPEN, name="Lean guild")
    manager = MembershipFactory(
        community=guild, role="manager", user=UserFactory(email="manager@example.com")
    ).user
    member = MembershipFactory(
        community=guild, user=UserFactory(first_name="Alice", last_name="Martin")
    )
    return {"guild": guild, "manager": manager, "member": member}


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}]
)
def test_confirm_a_ban_in_the_dialog(browser, live_server, scene, viewport):
    context = browser.new_context(locale="en-GB", viewport=viewport)
    page = context.new_page()
    sign_in(page, live_server, "manager@example.com", PASSWORD)
    page.goto(f"{live_server.url}/communities/{scene['guild'].slug}/members/")
    ban = page.get_by_role("link", name="Ban Alice Martin")
    ban.click()
    dialog = page.get_by_role("dialog", name="Ban Alice Martin?")
    dialog.wait_for()
    check_accessibility(page)
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    expect(ban).to_be_focused()  # focus goes back to the link that opened the dialog
    scene["member"].refresh_from_db()
    assert scene["member"].status == Membership.Status.ACTIVE

    ban.click()
    dialog.wait_for()
    dialog.get_by_label("Reason (optional)").fill("Spam")
    dialog.get_by_role("button", name="Ban from the community").click()
    page.wait_for_load_state()
    assert "is banned from the community" in page.locator(".messages").inner_text()
    scene["member"].refresh_from_db()
    assert scene["member"].status == Membership.Status.BANNED
    context.close()


def test_without_javascript_the_confirmation_is_a_page(browser, live_server, scene):
    signed_in = browser.new_context(locale="en-GB")
    sign_in(signed_in.new_page(), live_server, "manager@example.com", PASSWORD)
    state = signed_in.storage_state()
    signed_in.close()
    context = browser.new_context(locale="fr-FR", java_script_enabled=False, storage_state=state)
    page = context.new_page()
    page.goto(f"{live_server.url}/communities/{scene['guild'].slug}/members/")
    page.locator(f"a[href$='/members/{scene['member'].pk}/ban/']").click()
    assert "Bannir Alice Martin" in page.locator("h1").inner_text()
    page.get_by_role("button", name="Bannir de la communauté").click()
    scene["member"].refresh_from_db()
    assert scene["member"].status == Membership.Status.BANNED
    context.close()
