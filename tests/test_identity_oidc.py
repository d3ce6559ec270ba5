"""Company sign-in with OpenID Connect, against a real provider run on 127.0.0.1
(the `oidc-provider` package, tests/idp/oidc_provider.mjs): who may come in, what the
provider's attributes change, and what the ID token must prove."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from audit.models import AuditEntry
from charter import selectors as charter_selectors
from charter import services as charter_services
from identity.models import CompanyIdentity
from profiles.models import User

from .factories import ExternalFactory, UserFactory
from .idp.oidc import ALICE, sign_in

pytestmark = [pytest.mark.idp, pytest.mark.django_db]


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


def test_first_sign_in_creates_the_account_from_the_providers_attributes(client, idp):
    charter_selectors.current_version() or charter_services.charter_load_default()
    idp.set_account("alice", **ALICE)

    response = sign_in(client, idp, "alice")

    assert response.status_code == 302
    assert response["Location"].startswith("/charter/")  # first time: the charter
    alice = User.objects.get(email="alice.durand@example.com")
    assert signed_in_user(client) == alice
    assert (alice.first_name, alice.last_name, alice.job_title, alice.department, alice.site) == (
        "Alice",
        "Durand",
        "Buyer",
        "Purchasing",
        "Lyon",
    )
    assert alice.kind == User.Kind.EMPLOYEE
    assert not alice.has_usable_password()
    assert alice.emailaddress_set.get().verified
    assert CompanyIdentity.objects.get(user=alice).employee_number == "E1001"
    assert SocialAccount.objects.get(user=alice).uid == "alice"
    assert {"identity.account_created", "identity.sso_login"} <= set(actions())
    created = AuditEntry.objects.get(action="identity.account_created")
    assert created.data["attributes"]["department"] == "Purchasing"
    assert AuditEntry.objects.get(action="identity.sso_login").data == {
        "provider": "company",
        "uid": "alice",
        "mfa": False,
    }


def test_the_authorization_request_uses_pkce_and_a_nonce(client, idp):
    response = client.post("/accounts/oidc/company/login/")

    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["nonce"][0]) >= 32
    assert query["response_type"] == ["code"]


def test_each_sign_in_refreshes_the_attributes_with_before_and_after(client, idp):
    idp.set_account("alice", **ALICE)
    sign_in(client, idp, "alice")
    idp.set_account("alice", **{**ALICE, "department": "Finance", "employee_number": "E2002"})

    response = sign_in(Client(), idp, "alice")

    assert response.status_code == 302
    alice = User.objects.get(email="alice.durand@example.com")
    assert alice.department == "Finance"
    assert alice.company_identity.employee_number == "E2002"
    entry = AuditEntry.objects.get(action="identity.attributes_updated")
    assert entry.data["changes"] == {
        "department": {"before": "Purchasing", "after": "Finance"},
        "employee_number": {"before": "E1001", "after": "E2002"},
    }
    assert User.objects.count() == 1


def test_an_unchanged_sign_in_records_no_attribute_change(client, idp):
    idp.set_account("alice", **ALICE)
    sign_in(client, idp, "alice")
    sign_in(Client(), idp, "alice")

    assert not AuditEntry.objects.filter(action="identity.attributes_updated").exists()
    assert actions().count("identity.sso_login") == 2


def test_an_existing_local_account_is_linked_never_duplicated(client, idp):
    bob = UserFactory(email="bob.martin@example.com", department="IT")
    idp.set_account("bob-oid", **{**ALICE, "email": "bob.martin@example.com", "given_name": "Bob"})

    response = sign_in(client, idp, "bob-oid")

    assert response.status_code == 302
    assert signed_in_user(client) == bob
    assert User.objects.count() == 1
    assert SocialAccount.objects.get(uid="bob-oid").user == bob
    bob.refresh_from_db()
    assert (bob.first_name, bob.department) == ("Bob", "Purchasing")
    linked = AuditEntry.objects.get(action="identity.linked")
    assert linked.data["email"] == "bob.martin@example.com"
    assert linked.actor == bob


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"email": "mallory@partner.example.org"}, "foreign_domain"),
        ({"email_verified": False}, "unverified_email"),
        ({"employee_type": "contractor"}, "external_not_invited"),
        ({"account_enabled": False}, "disabled"),
    ],
)
def test_who_may_not_come_in_is_refused_with_a_reason(client, idp, claims, reason):
    idp.set_account("mallory", **{**ALICE, "email": "mallory@example.com", **claims})

    response = sign_in(client, idp, "mallory")

    assert response.status_code == 403
    assert signed_in_user(client) is None
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    entry = AuditEntry.objects.get(action="identity.refused")
    assert entry.data["reason"] == reason
    assert entry.data["uid"] == "mallory"


def test_a_disabled_identity_is_refused_and_its_sessions_end(client, idp):
    idp.set_account("alice", **ALICE)
    sign_in(client, idp, "alice")
    assert client.get("/charter/").status_code == 200
    idp.set_account("alice", **{**ALICE, "account_enabled": False})

    response = sign_in(Client(), idp, "alice")

    assert response.status_code == 403
    assert "disabled" in response.content.decode()
    later = client.get("/")
    assert later.status_code == 302 and "/accounts/login/" in later["Location"]
    entry = AuditEntry.objects.get(action="identity.refused")
    assert entry.data["reason"] == "disabled"
    assert entry.data["sessions_ended"] == 1
    assert entry.target_id == str(User.objects.get().pk)


def test_an_invited_external_keeps_their_kind(client, idp):
    external = ExternalFactory(email="zoe@example.com")
    idp.set_account("zoe", **{**ALICE, "email": "zoe@example.com", "employee_type": "external"})

    response = sign_in(client, idp, "zoe")

    assert response.status_code == 302
    external.refresh_from_db()
    assert external.kind == User.Kind.EXTERNAL and external.sponsor_id


def test_a_provider_asserting_mfa_is_recorded(client, idp):
    idp.set_account("alice", **ALICE, _amr=["pwd", "mfa"])

    sign_in(client, idp, "alice")

    assert AuditEntry.objects.get(action="identity.sso_login").data["mfa"] is True


@pytest.mark.parametrize("mode", ["wrong-audience", "expired", "bad-signature", "wrong-nonce"])
def test_a_bad_id_token_is_refused(client, idp, mode):
    idp.set_account("alice", **ALICE)
    idp.misbehave(mode)

    response = sign_in(client, idp, "alice")

    assert response.status_code in (401, 403)
    assert signed_in_user(client) is None
    assert not User.objects.exists()
    assert not AuditEntry.objects.filter(action="identity.sso_login").exists()
    refused = AuditEntry.objects.get(action="identity.refused")
    assert refused.data["reason"] == ("nonce" if mode == "wrong-nonce" else "provider_error")


@pytest.mark.parametrize(
    ("amr", "acr", "allowed"),
    [
        (["pwd", "mfa"], None, True),
        (["pwd"], "urn:acme:mfa", True),
        (["pwd"], None, False),
    ],
)
def test_the_two_factor_policy_accepts_a_provider_asserted_mfa(
    client, idp, settings, amr, acr, allowed
):
    settings.RSE_MFA_REQUIRED_FOR = ["staff"]
    settings.RSE_SSO_MFA_ACR = ["urn:acme:mfa"]
    UserFactory(email="boss@example.com", is_staff=True)
    idp.set_account("boss", **{**ALICE, "email": "boss@example.com"}, _amr=amr, _acr=acr)

    sign_in(client, idp, "boss")

    response = client.get("/notifications/")
    assert response.status_code == (200 if allowed else 302)
    assert AuditEntry.objects.filter(action="identity.mfa_enforced").exists() is not allowed
