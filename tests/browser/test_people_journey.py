"""People journey in a real browser: my profile, my skills, finding and following an expert."""

import pytest

from profiles.models import Follow, UserSkill

from ..factories import PASSWORD, SkillFactory, UserFactory, UserSkillFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fill_profile_add_skill_find_an_expert_endorse_and_follow(page, live_server):
    me = UserFactory(email="camille.martin@example.com", first_name="Camille", last_name="Martin")
    expert = UserFactory(first_name="Bruno", last_name="Bastien", department="Finance")
    UserSkillFactory(user=expert, skill=SkillFactory(name="Comptabilité"), level="expert")

    sign_in(page, live_server, "camille.martin@example.com", PASSWORD)

    page.get_by_role("navigation", name="Tabs").get_by_role("link", name="Me", exact=True).click()
    page.wait_for_url(f"{live_server.url}/me/")
    check_accessibility(page)
    page.get_by_label("Phone").fill("not a phone")
    page.get_by_label("Short bio").fill("Internal communication, events.")
    page.get_by_role("button", name="Save my profile").click()
    assert "Enter a phone number" in page.locator("main").inner_text()
    assert page.get_by_label("Short bio").input_value() == "Internal communication, events."
    check_accessibility(page)
    page.get_by_label("Phone").fill("+33 1 23 45 67 89")
    page.get_by_role("button", name="Save my profile").click()
    assert "Your profile is saved." in page.locator(".messages").inner_text()
    check_accessibility(page)

    page.get_by_label("Skill", exact=True).fill("Relations presse")
    page.get_by_label("Level", exact=True).select_option("practitioner")
    page.get_by_role("button", name="Add this skill").click()
    assert "“Relations presse” added to your skills." in page.locator(".messages").inner_text()
    check_accessibility(page)

    page.get_by_text("Menu", exact=True).click()  # on a phone, the top bar's menu
    page.get_by_role("link", name="People").click()
    page.wait_for_url(f"{live_server.url}/people/")
    check_accessibility(page)
    page.get_by_label("Skill", exact=True).fill("comptabilite")
    page.get_by_role("button", name="Search").click()
    assert "1 person" in page.locator(".result-count").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name="Bruno Bastien").click()
    page.wait_for_url(f"{live_server.url}/people/{expert.username}/")
    check_accessibility(page)

    page.get_by_role("button", name="Endorse for Comptabilité").click()
    assert "1 endorsement" in page.locator(".skill-list").inner_text()
    page.get_by_role("button", name="Follow").click()
    assert "You now follow Bruno Bastien." in page.locator(".messages").inner_text()
    assert "1 follower" in page.locator(".follow-counts").inner_text()
    check_accessibility(page)
    page.get_by_role("link", name="1 follower").click()
    assert page.get_by_role("link", name="Camille Martin").is_visible()
    check_accessibility(page)

    assert Follow.objects.filter(follower=me, followed=expert).exists()
    assert UserSkill.objects.get(user=me).skill.name == "Relations presse"
    me.profile.refresh_from_db()
    assert me.profile.phone == "+33 1 23 45 67 89"
