"""A charter variant in a real browser: a person of the variant's country signs in, is
asked to accept the charter, reads the variant's own section in place of the common one
(told which variant applies and where its own sections are), accepts, and their
acceptance records the variant. Every page is axe-checked."""

import pytest

from charter import services
from charter.models import CharterAcceptance, CharterVariant
from charter.services import charter_load_default

from ..consultation_factories import draft_of
from ..factories import PASSWORD, UserFactory
from .conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GERMAN_TEXT = "The works council (Betriebsrat) is consulted before any monitoring."


def test_a_person_of_a_variant_reads_its_own_section_and_accepts_the_variant(page, live_server):
    charter_load_default()
    admin = UserFactory(is_staff=True, is_superuser=True)
    jonas = UserFactory(
        email="jonas.weber@example.com",
        first_name="Jonas",
        last_name="Weber",
        country="DE",
        legal_entity="ACME GmbH",
        accepted_charter=False,
    )
    draft = draft_of()
    common = draft.sections.get(number="4.3", variant__isnull=True)
    germany = services.charter_variant_save(
        variant=CharterVariant(version=draft, name_fr="Allemagne", name_en="Germany", country="DE"),
        actor=admin,
    )
    services.charter_variant_section_save(
        variant=germany,
        number="4.3",
        replaces=True,
        title_fr="Vie privée (droit allemand)",
        title_en="Privacy (German law)",
        body_fr="Le comité d'entreprise (Betriebsrat) est consulté avant tout contrôle.",
        body_en=GERMAN_TEXT,
        is_report_reason=True,
        actor=admin,
    )
    version = services.charter_version_publish(
        version=draft, actor=admin, requires_reacceptance=True
    )

    # Signing in, Jonas is asked to accept the charter first.
    page.goto(f"{live_server.url}/accounts/login/")
    check_accessibility(page)
    page.get_by_label("E-mail").fill("jonas.weber@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/charter/?next=*")
    assert page.get_by_text("Please read and accept the usage charter").is_visible()
    check_accessibility(page)

    # He reads the German variant: told so, with a link to its own section, which
    # stands in place of the common §4.3.
    note = page.locator(".charter-variant-note")
    assert "Germany" in note.inner_text()
    assert "It is the variant that applies to you." in note.inner_text()
    note.get_by_role("link", name="§4.3 Privacy (German law)").click()
    section = page.locator("#s4-3")
    assert GERMAN_TEXT in section.inner_text()
    assert "local" in section.get_by_role("heading").inner_text()
    first_sentence = common.body_en.split(".")[0]
    assert first_sentence not in page.locator("article.charter").inner_text()

    # He accepts the variant he was shown.
    form = page.locator("#accept")
    assert "You accept variant “Germany”" in form.inner_text()
    form.get_by_label("I have read the usage charter and I accept it.").check()
    form.get_by_role("button", name="Accept").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "you have accepted the usage charter" in page.locator(".messages").inner_text()
    assert page.get_by_text("Please read and accept").count() == 0
    check_accessibility(page)

    acceptance = CharterAcceptance.objects.get(user=jonas, version=version)
    assert acceptance.variant == germany

    # The charter page now says so, variant included.
    page.goto(f"{live_server.url}/charter/")
    history = page.locator("section:has(#history-title)")
    assert "(variant “Germany”)" in history.inner_text()
    check_accessibility(page)
