"""Lifecycle in a real browser: a manager keeps a dormant community; an external
follows the re-confirmation link, signs in and confirms; a person erases their data."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Community, Membership
from lifecycle import jobs, services
from lifecycle.models import ErasedData
from profiles.models import Profile, User

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, ExternalFactory, UserFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_keeps_a_dormant_community_active(page, live_server):
    manager = UserFactory(email="thomas.bernard@example.com")
    community = CommunityFactory(
        name="Runners", slug="runners", last_activity_at=timezone.now() - timedelta(days=200)
    )
    MembershipFactory(community=community, user=manager, role=Membership.Role.MANAGER)
    jobs.run("communities_dormant")

    sign_in(page, live_server, manager.email, PASSWORD)
    page.goto(f"{live_server.url}/communities/runners/")
    assert "This community is dormant" in page.locator("main").inner_text()
    check_accessibility(page)
    page.get_by_role("button", name="Keep it active").click()

    assert "the community stays active" in page.locator(".messages").inner_text()
    assert "This community is dormant" not in page.locator("main").inner_text()
    assert Community.objects.get(pk=community.pk).state == "active"
    check_accessibility(page)


def test_external_reconfirms_from_the_link_after_signing_in(page, live_server):
    arrived = timezone.now() - timedelta(days=95)
    external = ExternalFactory(email="jordan.smith@northwind.example.org", reconfirmed_at=arrived)
    link = f"{live_server.url}/me/reconfirm/{services.reconfirm_token(external)}/"

    page.goto(link)
    check_accessibility(page)
    page.get_by_label("E-mail").fill(external.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(link)
    check_accessibility(page)
    page.get_by_role("button", name="I still need my access").click()

    page.wait_for_url(f"{live_server.url}/")
    assert "your access is re-confirmed" in page.locator(".messages").inner_text()
    assert User.objects.get(pk=external.pk).reconfirmed_at > arrived


def test_a_person_erases_their_profile_data(page, live_server):
    person = UserFactory(email="camille.martin@example.com")
    Profile.objects.update_or_create(user=person, defaults={"bio": "Trail runner."})

    sign_in(page, live_server, person.email, PASSWORD)
    page.goto(f"{live_server.url}/me/")
    check_accessibility(page)
    page.get_by_label("I want to erase my profile data").check()
    page.get_by_role("button", name="Erase my data").click()

    assert "Your profile data is erased." in page.locator(".messages").inner_text()
    assert Profile.objects.get(user=person).bio == ""
    assert ErasedData.objects.get(user=person).values == {"bio": "Trail runner."}
    check_accessibility(page)
