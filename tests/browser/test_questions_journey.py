"""Questions journey in a real browser, on a phone: an employee asks a question with
tags; a willing expert finds it on "Questions I can answer" and answers; the asker
accepts the answer and the question shows resolved, its accepted answer first."""

import re

import pytest

from communities.models import Community
from profiles.models import UserSkill
from questions.models import Question

from ..communities_factories import CommunityFactory, MembershipFactory
from ..factories import PASSWORD, SkillFactory, UserFactory, UserSkillFactory
from ..questions_factories import WillingnessFactory
from .conftest import ARTIFACTS, check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_route_answer_accept(browser, live_server):
    asker = UserFactory(
        username="camille.martin",
        email="camille.martin@example.com",
        first_name="Camille",
        last_name="Martin",
    )
    expert = UserFactory(
        username="thomas.bernard",
        email="thomas.bernard@example.com",
        first_name="Thomas",
        last_name="Bernard",
    )
    guild = CommunityFactory(name="Python guild", slug="python-guild", access=Community.Access.OPEN)
    MembershipFactory(community=guild, user=asker)
    MembershipFactory(community=guild, user=expert)
    UserSkillFactory(
        user=expert, skill=SkillFactory(name="Cybersécurité"), level=UserSkill.Level.EXPERT
    )
    WillingnessFactory(user=expert)

    asking = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    page = asking.new_page()
    sign_in(page, live_server, "camille.martin@example.com", PASSWORD)
    page.goto(f"{live_server.url}/communities/python-guild/questions/")
    check_accessibility(page)
    page.get_by_role("link", name="Ask a question").click()
    page.wait_for_url(re.compile(r"/questions/ask/"))
    check_accessibility(page)
    page.get_by_label("Your question, in one sentence").fill("How do we store API secrets?")
    page.locator("main").get_by_label("Details").fill(
        "Environment variables, a vault, something else?"
    )
    page.locator("main").get_by_label("Tags").fill("cybersecurite, secrets")
    page.get_by_role("button", name="Publish the question").click()
    question = Question.objects.get()
    page.wait_for_url(f"{live_server.url}/posts/{question.pk}/")
    assert "Offered to 1 expert." in page.locator("main").inner_text()
    check_accessibility(page)

    answering = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    expert_page = answering.new_page()
    sign_in(expert_page, live_server, "thomas.bernard@example.com", PASSWORD)
    expert_page.goto(f"{live_server.url}/questions/for-me/")
    check_accessibility(expert_page)
    assert "for your skill “Cybersécurité”" in expert_page.locator("main").inner_text()
    expert_page.get_by_role("link", name="How do we store API secrets?").click()
    expert_page.get_by_label("Your comment").fill("Use the company vault, never the repository.")
    expert_page.get_by_role("button", name="Comment", exact=True).click()
    expert_page.wait_for_load_state()
    assert "Use the company vault" in expert_page.locator("#comments").inner_text()
    assert expert_page.get_by_role("button", name="Accept this answer").count() == 0

    page.reload()
    page.get_by_role("button", name="Accept this answer").click()
    page.wait_for_url(f"{live_server.url}/posts/{question.pk}/")
    assert "The answer is accepted: the question is resolved." in (
        page.locator(".messages").inner_text()
    )
    main = page.locator("main").inner_text()
    assert "Resolved" in main
    assert main.index("Accepted answer") < main.index("Comments")
    check_accessibility(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "question-resolved-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/communities/python-guild/questions/?state=resolved")
    assert "How do we store API secrets?" in page.locator("main").inner_text()
    check_accessibility(page)
    page.screenshot(path=str(ARTIFACTS / "questions-tab-desktop.png"), full_page=True)
    question.refresh_from_db()
    assert question.is_resolved
    asking.close()
    answering.close()
