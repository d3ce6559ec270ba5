"""Notifications journey in a real browser: the unread counter, the inbox, marking all
read, and the e-mail settings."""

import re

import pytest

from notifications.models import Kind, NotificationPreference
from profiles import services as profile_services

from ..factories import PASSWORD, UserFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_see_the_counter_read_the_notifications_and_choose_the_emails(page, live_server):
    me = UserFactory(email="camille.martin@example.com", first_name="Camille", last_name="Martin")
    for first, last in [("Bruno", "Bastien"), ("Alice", "Durand")]:
        profile_services.follow_create(actor=UserFactory(first_name=first, last_name=last), user=me)

    sign_in(page, live_server, "camille.martin@example.com", PASSWORD)
    nav = page.get_by_role("navigation", name="Tabs")  # the phone's tab bar
    counter = nav.get_by_role("link", name=re.compile(r"^Notifications\s*,\s*2 unread$"))
    assert counter.is_visible()
    assert "2" in counter.locator("[data-unread-count]").inner_text()
    check_accessibility(page)

    counter.click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    main = page.locator("main")
    assert "Bruno Bastien now follows you." in main.inner_text()
    assert "Alice Durand now follows you." in main.inner_text()
    assert page.locator(".notification.is-unread").count() == 2
    check_accessibility(page)

    page.get_by_role("button", name="Mark all as read").click()
    assert "All your notifications are marked as read." in page.locator(".messages").inner_text()
    assert page.locator(".notification.is-unread").count() == 0
    assert nav.get_by_role("link", name="Notifications", exact=True).is_visible()
    assert not nav.locator("[data-unread-count]").is_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Notification settings: what comes by e-mail").click()
    page.wait_for_url(f"{live_server.url}/notifications/settings/")
    check_accessibility(page)
    page.get_by_role("group", name="Someone liked my post or comment").get_by_label(
        "In the daily digest"
    ).check()
    page.get_by_label("Language of my e-mails").select_option("fr")
    page.get_by_role("button", name="Save my notification settings").click()
    assert "Your notification settings are saved." in page.locator(".messages").inner_text()
    check_accessibility(page)
    assert NotificationPreference.objects.get(user=me, kind=Kind.LIKED).email == "daily"
