"""Webhooks on a phone, in a real browser: a community's manager opens its webhooks from
the community page, is told nothing is registered yet, makes a mistake that is
explained, registers a hook, copies its secret once, and sees it listed; then opens it
and switches it off. Every page is axe-checked."""

import pytest

from communities.models import Community, Membership
from webhooks.models import Hook

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, UserFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "https://93.184.215.14/hooks/rse"  # a public address, literal: no DNS


def test_a_manager_registers_a_webhook_and_sees_it_listed_on_a_phone(page, live_server):
    community = CommunityFactory(
        name="Lean network", slug="lean-network", access=Community.Access.OPEN
    )
    manager = UserFactory(email="camille.martin@example.com", first_name="Camille")
    MembershipFactory(community=community, user=manager, role=Membership.Role.MANAGER)
    assert page.viewport_size == {"width": 390, "height": 844}

    sign_in(page, live_server, "camille.martin@example.com", PASSWORD)
    page.goto(f"{live_server.url}/communities/lean-network/")
    page.get_by_role("link", name="Webhooks").click()
    page.wait_for_url("**/communities/lean-network/webhooks/")
    assert page.get_by_role("heading", level=1).inner_text() == "Webhooks of Lean network"
    assert page.get_by_text("No webhook is registered for this community yet.").is_visible()
    check_accessibility(page)

    # An address that is not https, and no event: both explained, the address kept.
    form = page.locator("form:has(#id_url)")
    form.get_by_label("Address (https://…)").fill("http://example.org/hook")
    form.get_by_role("button", name="Register").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("alert").first.is_visible()
    assert page.locator("#id_url").input_value() == "http://example.org/hook"
    assert not Hook.objects.exists()
    check_accessibility(page)

    form = page.locator("form:has(#id_url)")
    form.get_by_label("Address (https://…)").fill(ADDRESS)
    form.get_by_label("A post is published").check()
    form.get_by_label("A comment is added").check()
    form.get_by_role("button", name="Register").click()
    page.wait_for_load_state("load")
    assert "The webhook is registered." in page.locator(".messages").inner_text()
    hook = Hook.objects.get()
    assert page.locator(".token-created .token-value").inner_text() == hook.secret
    card = page.locator(".token-list li").filter(has_text=ADDRESS)
    assert card.count() == 1
    assert "A post is published" in card.inner_text()
    assert "Active" in card.inner_text()
    # Listed without the page growing sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_accessibility(page)

    # Opened, then switched off.
    card.get_by_role("link", name=ADDRESS).click()
    page.wait_for_url(f"**/communities/lean-network/webhooks/{hook.pk}/")
    check_accessibility(page)
    page.get_by_label("Active").uncheck()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/communities/lean-network/webhooks/{hook.pk}/")
    assert "The webhook is saved." in page.locator(".messages").inner_text()
    hook.refresh_from_db()
    assert not hook.is_active
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_accessibility(page)
