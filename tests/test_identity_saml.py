"""Company sign-in with SAML 2.0, against a real identity provider built with pysaml2:
signed assertions accepted; unsigned, tampered or replayed ones refused."""

from urllib.parse import urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from audit.models import AuditEntry
from identity.models import CompanyIdentity
from profiles.models import User

from .factories import UserFactory
from .idp.saml import MFA_CONTEXT, SLUG, SSO_URL, SAMLIdP, app_settings, tamper

pytestmark = [pytest.mark.idp, pytest.mark.django_db]

ALICE = {
    "email": "alice.durand@example.com",
    "email_verified": "true",
    "given_name": "Alice",
    "family_name": "Durand",
    "job_title": "Buyer",
    "department": "Purchasing",
    "site": "Lyon",
    "employee_number": "E1001",
    "employee_type": "employee",
}


@pytest.fixture
def saml_idp(settings, tmp_path, client):
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "saml": {
            **settings.SOCIALACCOUNT_PROVIDERS["saml"],
            "APPS": [app_settings("placeholder")],
        },
    }
    client.defaults["HTTP_HOST"] = "testserver"  # python3-saml reads the host header
    sp_metadata = client.get(f"/accounts/saml/{SLUG}/metadata/").content.decode()
    idp = SAMLIdP(tmp_path, sp_metadata)
    settings.SOCIALACCOUNT_PROVIDERS["saml"]["APPS"] = [app_settings(idp.certificate)]
    return idp


def start(client) -> str:
    response = client.post(f"/accounts/saml/{SLUG}/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(SSO_URL)
    return response["Location"]


def post_to_acs(client, acs_url: str, form: dict):
    response = client.post(urlsplit(acs_url).path, form)
    assert response.status_code == 302  # allauth finishes on a GET of its own
    return client.get(response["Location"])


def sign_in(client, idp, uid="alice", attributes=None, **options):
    acs, form = idp.answer(start(client), uid, attributes or ALICE, **options)
    return post_to_acs(client, acs, form), (acs, form)


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


def test_a_signed_assertion_signs_in_and_creates_the_account(client, saml_idp):
    response, _ = sign_in(client, saml_idp)

    assert response.status_code == 302
    alice = User.objects.get(email="alice.durand@example.com")
    assert signed_in_user(client) == alice
    assert (alice.first_name, alice.department, alice.job_title) == ("Alice", "Purchasing", "Buyer")
    assert CompanyIdentity.objects.get(user=alice).employee_number == "E1001"
    assert SocialAccount.objects.get(user=alice).provider == SLUG
    assert AuditEntry.objects.get(action="identity.sso_login").data["mfa"] is False


def test_an_existing_account_is_linked_and_refreshed(client, saml_idp):
    bob = UserFactory(email="alice.durand@example.com", department="IT")

    response, _ = sign_in(client, saml_idp)

    assert response.status_code == 302
    assert signed_in_user(client) == bob and User.objects.count() == 1
    bob.refresh_from_db()
    assert bob.department == "Purchasing"
    assert AuditEntry.objects.filter(action="identity.linked").exists()
    changes = AuditEntry.objects.get(action="identity.attributes_updated").data["changes"]
    assert changes["department"] == {"before": "IT", "after": "Purchasing"}


def test_an_unsigned_assertion_is_refused(client, saml_idp):
    response, _ = sign_in(client, saml_idp, sign_assertion=False)

    assert response.status_code in (401, 403)
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_a_tampered_assertion_is_refused(client, saml_idp):
    acs, form = saml_idp.answer(start(client), "alice", ALICE)
    forged = tamper(form, "alice.durand@example.com", "ceo@example.com")

    response = post_to_acs(client, acs, forged)

    assert response.status_code in (401, 403)
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_a_replayed_assertion_is_refused(client, saml_idp):
    _, (acs, form) = sign_in(client, saml_idp)
    thief = Client(HTTP_HOST="testserver")

    response = post_to_acs(thief, acs, form)

    assert response.status_code == 403
    assert signed_in_user(thief) is None
    assert AuditEntry.objects.get(action="identity.refused").data["reason"] == "replay"


def test_a_foreign_domain_is_refused(client, saml_idp):
    response, _ = sign_in(client, saml_idp, attributes={**ALICE, "email": "eve@elsewhere.org"})

    assert response.status_code == 403
    assert AuditEntry.objects.get(action="identity.refused").data["reason"] == "foreign_domain"


def test_a_multi_factor_authn_context_counts(client, saml_idp, settings):
    settings.RSE_SSO_MFA_ACR = [MFA_CONTEXT]
    settings.RSE_MFA_REQUIRED_FOR = ["staff"]
    UserFactory(email="alice.durand@example.com", is_staff=True)

    sign_in(client, saml_idp, authn_class=MFA_CONTEXT)

    assert AuditEntry.objects.get(action="identity.sso_login").data["mfa"] is True
    assert client.get("/notifications/").status_code == 200


SLS_URL = f"http://testserver/accounts/saml/{SLUG}/sls/"
SP_ENTITY_ID = f"http://testserver/accounts/saml/{SLUG}/metadata/"


def test_a_signed_logout_request_of_the_idp_ends_every_session(client, saml_idp, settings):
    settings.SOCIALACCOUNT_PROVIDERS["saml"]["APPS"][0]["settings"]["advanced"][
        "want_message_signed"
    ] = True
    sign_in(client, saml_idp, sign_response=True)
    other = Client(HTTP_HOST="testserver")
    sign_in(other, saml_idp, sign_response=True)
    url = saml_idp.logout_request(SLS_URL, SP_ENTITY_ID, "alice", sign=True)

    response = client.get(urlsplit(url).path + "?" + urlsplit(url).query)

    assert response.status_code == 302
    assert signed_in_user(client) is None
    assert other.get("/notifications/").status_code == 302  # signed out there too
    entry = AuditEntry.objects.get(action="identity.single_logout")
    assert entry.data["sessions_ended"] == 2


def test_an_unsigned_logout_request_is_refused_when_signatures_are_required(
    client, saml_idp, settings
):
    settings.SOCIALACCOUNT_PROVIDERS["saml"]["APPS"][0]["settings"]["advanced"][
        "want_message_signed"
    ] = True
    sign_in(client, saml_idp, sign_response=True)
    url = saml_idp.logout_request(SLS_URL, SP_ENTITY_ID, "alice", sign=False)

    response = client.get(urlsplit(url).path + "?" + urlsplit(url).query)

    assert response.status_code == 400
    assert signed_in_user(client) is not None
    assert not AuditEntry.objects.filter(action="identity.single_logout").exists()
