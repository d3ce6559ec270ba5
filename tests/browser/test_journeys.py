"""Main user journeys in a real browser."""

import pytest

from ..factories import PASSWORD, UserFactory
from .conftest import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_employee_signs_in_through_the_real_page_and_sees_home(page, live_server):
    UserFactory(email="camille.martin@example.com", first_name="Camille", last_name="Martin")

    sign_in(page, live_server, "camille.martin@example.com", PASSWORD)

    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Camille"
    check_accessibility(page)


def test_wrong_password_is_refused_with_a_message(page, live_server):
    UserFactory(email="camille.martin@example.com")
    page.goto(f"{live_server.url}/accounts/login/")

    page.get_by_label("E-mail").fill("camille.martin@example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()

    assert "not correct" in page.locator("main").inner_text()
    assert page.url.endswith("/accounts/login/")
    check_accessibility(page)


def test_person_switches_the_interface_to_french(page, live_server):
    UserFactory(email="camille.martin@example.com", first_name="Camille")
    sign_in(page, live_server, "camille.martin@example.com", PASSWORD)

    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Bienvenue, Camille"
    assert page.locator("html").get_attribute("lang") == "fr"
    check_accessibility(page)


def test_accessibility_check_catches_a_serious_violation(page):
    page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')

    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page)


def test_person_reviews_the_sign_ins_of_their_account(page, live_server):
    UserFactory(email="camille.martin@example.com", first_name="Camille")
    sign_in(page, live_server, "camille.martin@example.com", PASSWORD)

    page.get_by_text("Menu", exact=True).click()  # on a phone, the top bar's menu
    page.get_by_role("link", name="My account").click()
    page.get_by_role("link", name="Security log").click()

    rows = page.locator("table.log tbody tr")
    assert rows.count() == 1
    assert "Signed in" in rows.first.inner_text()
    assert "127.0.0.1" in rows.first.inner_text()
    check_accessibility(page)


def test_newcomer_is_shown_the_charter_accepts_it_and_can_contribute(page, live_server):
    from charter import services as charter_services

    charter_services.charter_load_default()
    UserFactory(email="nadia.benali@example.com", first_name="Nadia", accepted_charter=False)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("nadia.benali@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.wait_for_url("**/charter/?next=*")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Usage charter")
    assert page.get_by_text("Please read and accept the usage charter").is_visible()
    check_accessibility(page)

    page.get_by_label("I have read the usage charter and I accept it.").check()
    page.get_by_role("button", name="Accept").click()

    page.wait_for_url(f"{live_server.url}/")
    assert "you have accepted the usage charter" in page.locator(".messages").inner_text()
    assert page.get_by_text("Please read and accept").count() == 0
    check_accessibility(page)
