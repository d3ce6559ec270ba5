"""The sign-in page: "Sign in with <company>" first, home realm discovery, and the
local password policy (RSE_LOCAL_PASSWORDS)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from profiles.models import User

from .factories import PASSWORD, ExternalFactory, UserFactory
from .idp.oidc import ALICE

pytestmark = [pytest.mark.idp, pytest.mark.django_db]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_company_sign_in_comes_first(client, idp):
    page = client.get("/accounts/login/").content.decode()

    assert "Sign in with Acme" in page
    assert page.index("Sign in with Acme") < page.index('name="password"')
    assert 'action="/accounts/oidc/company/login/"' in page


def test_without_a_provider_the_page_is_the_usual_one(client):
    page = client.get("/accounts/login/").content.decode()

    assert "Sign in with" not in page
    assert 'name="password"' in page


def test_an_address_of_a_federated_domain_goes_to_its_provider(client, idp):
    idp.set_account("alice", **ALICE)

    response = client.post(
        "/accounts/login/?next=/notifications/", {"login": "Alice.Durand@EXAMPLE.com"}
    )

    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}" == idp.issuer
    assert parse_qs(authorize.query)["login_hint"] == ["Alice.Durand@EXAMPLE.com"]
    callback = idp.authorize(response["Location"], "alice", rp_origin="http://testserver/")
    parts = urlsplit(callback)
    back = client.get(f"{parts.path}?{parts.query}")
    assert back.status_code == 302 and back["Location"] == "/notifications/"
    assert signed_in(client)


def test_externals_keep_their_local_password(client, idp, settings):
    settings.RSE_LOCAL_PASSWORDS = "externals-only"
    external = ExternalFactory()

    response = client.post("/accounts/login/", {"login": external.email, "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(external.pk)


def test_externals_only_turns_employee_passwords_off(client, idp, settings):
    settings.RSE_LOCAL_PASSWORDS = "externals-only"
    settings.RSE_ALLOWED_EMAIL_DOMAINS = ["example.com", "example.fr"]
    employee = UserFactory(email="paul@example.fr")  # a company domain without provider

    response = client.post("/accounts/login/", {"login": employee.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "local passwords are for external partners only" in response.content.decode()
    assert response.context["form"]["login"].value() == "paul@example.fr"
    assert not signed_in(client)


def test_externals_only_refuses_an_employee_password_from_any_address(client, settings):
    settings.RSE_LOCAL_PASSWORDS = "externals-only"
    employee = UserFactory(email="paul@elsewhere.example.net")

    response = client.post("/accounts/login/", {"login": employee.email, "password": PASSWORD})

    assert response.status_code == 200
    assert not signed_in(client)


def test_externals_only_closes_local_sign_up(client, settings):
    settings.RSE_LOCAL_PASSWORDS = "externals-only"

    response = client.post(
        "/accounts/signup/",
        {
            "email": "newbie@example.com",
            "password1": "a-long-enough-secret",
            "password2": "a-long-enough-secret",
            "first_name": "New",
            "last_name": "Bie",
        },
    )

    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()
    assert not User.objects.filter(email="newbie@example.com").exists()


def test_by_default_employees_keep_their_passwords(client, settings):
    employee = UserFactory()

    response = Client().post("/accounts/login/", {"login": employee.email, "password": PASSWORD})

    assert response.status_code == 302


def test_the_sign_in_page_speaks_french(client, idp, settings):
    settings.RSE_LOCAL_PASSWORDS = "externals-only"

    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Se connecter avec Acme" in page
    assert "Partenaires externes" in page


def test_without_a_password_a_local_address_is_asked_for_one(client, idp):
    external = ExternalFactory()

    response = client.post("/accounts/login/", {"login": external.email})

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not signed_in(client)
