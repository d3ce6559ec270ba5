"""Company sign-in in a real browser: "Sign in with Acme" → the provider's page → back
in RSE on the charter (first time) → home. The provider is the test OpenID provider."""

import pytest

from profiles.models import User

from ..idp.oidc import ALICE, OIDCProvider
from .conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.idp, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def company_provider(live_server, settings):
    provider = OIDCProvider(
        redirect_uris=[f"{live_server.url}/accounts/oidc/company/login/callback/"]
    )
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [provider.app()],
        },
    }
    settings.RSE_LOCAL_PASSWORDS = "externals-only"
    yield provider
    provider.stop()


def test_an_employee_signs_in_with_the_company_and_lands_on_the_charter_then_home(
    page, live_server, company_provider
):
    from charter import services as charter_services

    charter_services.charter_load_default()
    company_provider.set_account("alice", **ALICE)

    page.goto(f"{live_server.url}/accounts/login/")
    check_accessibility(page)
    page.get_by_role("button", name="Sign in with Acme").click()

    page.wait_for_url(f"{company_provider.issuer}/interaction/*")
    page.get_by_label("Login").fill("alice")
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/charter/?next=*")
    check_accessibility(page)
    page.get_by_label("I have read the usage charter and I accept it.").check()
    page.get_by_role("button", name="Accept").click()

    page.wait_for_url(f"{live_server.url}/")
    assert "you have accepted the usage charter" in page.locator(".messages").inner_text()
    assert User.objects.get(email=ALICE["email"]).department == "Purchasing"


def test_typing_a_company_address_goes_to_the_provider(page, live_server, company_provider):
    company_provider.set_account("alice", **ALICE)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail").fill("alice.durand@example.com")
    page.locator("form.login, form[action='/accounts/login/']").get_by_role(
        "button", name="Sign in", exact=True
    ).click()

    page.wait_for_url(f"{company_provider.issuer}/interaction/*")
    assert page.get_by_label("Login").is_visible()
