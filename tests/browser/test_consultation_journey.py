"""The charter written together, in a real browser: a representative comments on a
section of a draft and objects to another; an administrator answers, revises the draft
in the admin, closes the consultation, gets the sign-off of the approvers and publishes;
employees are asked to accept the new version. Every page of the site is axe-checked
(the Django admin's own pages are not ours)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from charter import signoff
from charter.models import CharterVersion
from charter.services import charter_load_default
from consultation import services
from consultation.models import SectionComment

from ..consultation_factories import approver, draft_of, representatives
from ..factories import PASSWORD, UserFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, width=390, height=844):
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_consult_answer_revise_close_sign_off_publish_and_accept(browser, live_server):
    charter_load_default()
    admin = UserFactory(
        email="helene@example.com",
        first_name="Hélène",
        last_name="Durand",
        is_staff=True,
        is_superuser=True,
    )
    rep = UserFactory(email="remi@example.com", first_name="Rémi", last_name="Leroy")
    group = representatives(rep)
    approver(email="louise@example.com", first_name="Louise", last_name="Legal")
    union = approver(first_name="Ulysse", last_name="Union")
    UserFactory(email="camille@example.com", first_name="Camille", last_name="Martin")
    draft = draft_of(
        body_en="The company offers its staff a social network to share what they know.",
        body_fr="L'entreprise offre à son personnel un réseau social pour partager son savoir.",
    )
    now = timezone.now()
    services.consultation_open(
        actor=admin,
        version=draft,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(days=14),
        all_employees=False,
        groups=[group],
    )
    base = live_server.url
    url = f"{base}/charter/drafts/{draft.number}/"

    # The representative is told, reads the draft beside the version in force, comments.
    page = _page(browser)
    sign_in(page, live_server, "remi@example.com", PASSWORD)
    page.goto(f"{base}/notifications/")
    check_accessibility(page)
    page.get_by_role("link", name="the draft of version 2 of the usage charter").click()
    page.wait_for_url(f"{url}*")
    check_accessibility(page)
    section = page.locator("#s1")
    assert "changed" in section.locator("h2").inner_text()
    assert section.locator(".diff-after ins").count() > 0
    section.get_by_label("Comment on §1").fill("Say which network, and who runs it.")
    section.get_by_role("button", name="Send the comment").click()
    assert "Your comment is saved." in page.locator(".messages").inner_text()
    page.locator("#s3").get_by_role("button", name="Object to §3").click()
    assert "Objections: 1" in page.locator("#s3 .stances").inner_text()
    check_accessibility(page)
    page.context.close()

    # The administrator answers, revises the draft in the admin, closes.
    desk = _page(browser, 1280, 900)
    sign_in(desk, live_server, "helene@example.com", PASSWORD)
    desk.goto(url)
    check_accessibility(desk)
    thread = desk.locator("#s1 .consultation-comments > li").first
    assert "Say which network" in thread.inner_text()
    thread.locator("summary", has_text="Answer").click()
    thread.get_by_label("Your answer").fill("Named in the revision: RSE, run by HR.")
    thread.get_by_role("button", name="Send the answer").click()
    assert "Named in the revision" in desk.locator("#s1 .answers").inner_text()
    check_accessibility(desk)

    desk.get_by_role("link", name="Revise the draft (administration)").click()
    first = draft.sections.get(number="1")
    body = desk.locator("textarea[name$='-body_en']").nth(
        list(draft.sections.order_by("position", "id").values_list("pk", flat=True)).index(first.pk)
    )
    body.fill("The company offers its staff RSE, a social network run by HR.")
    desk.get_by_role("button", name="Save", exact=True).click()
    desk.wait_for_url(f"{base}/admin/charter/charterversion/")
    assert "RSE, a social network" in draft.sections.get(number="1").body_en

    desk.goto(url)
    desk.get_by_role("button", name="Close the consultation").click()
    assert "summary is ready" in desk.locator(".messages").inner_text()
    check_accessibility(desk)
    desk.locator("#publish").get_by_role("button", name="Publish version 2").click()
    assert "still to approve: Louise Legal, Ulysse Union." in desk.locator(".messages").inner_text()

    # The approvers sign off (one in the browser).
    signer = _page(browser)
    sign_in(signer, live_server, "louise@example.com", PASSWORD)
    signer.goto(url)
    signer.get_by_role("button", name="Approve this text").click()
    assert "Your approval of this text is recorded." in signer.locator(".messages").inner_text()
    check_accessibility(signer)
    signer.context.close()
    signoff.charter_signoff_record(version=draft, actor=union)

    # Publication, with the record of the consultation and the sign-off.
    desk.goto(url)
    desk.locator("#publish").get_by_label("Major change: everyone accepts it again").check()
    desk.locator("#publish").get_by_role("button", name="Publish version 2").click()
    desk.wait_for_url(f"{base}/charter/")
    assert "Version 2 is published." in desk.locator(".messages").inner_text()
    assert "Louise Legal" in desk.locator(".charter header").inner_text()
    check_accessibility(desk)
    desk.get_by_role("link", name="Record of the consultation and sign-off").click()
    desk.wait_for_url(f"{base}/charter/consultations/2/")
    assert "objections still open: 1" in desk.locator("main").inner_text()
    check_accessibility(desk)
    desk.context.close()
    assert CharterVersion.objects.get(pk=draft.pk).is_published
    assert SectionComment.objects.count() == 2

    # An employee is asked to accept version 2: the sign-in leads to the charter.
    reader = _page(browser)
    reader.goto(f"{base}/accounts/login/")
    reader.get_by_label("E-mail").fill("camille@example.com")
    reader.get_by_label("Password").fill(PASSWORD)
    reader.get_by_role("button", name="Sign In").click()
    reader.wait_for_url(f"{base}/charter/**")
    assert "Please read and accept the usage charter" in reader.locator(".banner").inner_text()
    assert "Version 2" in reader.locator(".charter header").inner_text()
    check_accessibility(reader)
    reader.get_by_label("I have read the usage charter and I accept it.").check()
    reader.get_by_role("button", name="Accept").click()
    assert "you have accepted the usage charter" in reader.locator(".messages").inner_text()
    reader.context.close()
