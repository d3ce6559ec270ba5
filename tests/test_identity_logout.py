"""Single logout: the company's provider signs a person out of RSE at once
(OpenID Connect Back-Channel Logout), with a logout token RSE verifies."""

import re
from urllib.parse import urljoin

import pytest
import requests
from django.test import Client

from audit.models import AuditEntry
from profiles.models import User

from .idp.oidc import ALICE, CLIENT_ID, OIDCProvider, sign_in

pytestmark = [pytest.mark.idp, pytest.mark.django_db]

LOGOUT_URL = "/accounts/oidc/company/backchannel-logout/"


def is_signed_in(client) -> bool:
    return client.get("/notifications/").status_code == 200


@pytest.fixture
def alice_signed_in(idp):
    idp.set_account("alice", **ALICE)
    phone, laptop = Client(), Client()
    sign_in(phone, idp, "alice")
    sign_in(laptop, idp, "alice")
    assert is_signed_in(phone) and is_signed_in(laptop)
    return phone, laptop


def test_a_back_channel_logout_ends_every_session_of_the_person(idp, alice_signed_in):
    bystander = User.objects.create_user("bystander", "by@example.com", "x" * 12)
    other = Client()
    other.force_login(bystander)
    token = idp.logout_token(aud=CLIENT_ID, sub="alice", sid="sid-1")

    response = Client().post(LOGOUT_URL, {"logout_token": token})

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert not any(is_signed_in(c) for c in alice_signed_in)
    assert is_signed_in(other)
    entry = AuditEntry.objects.get(action="identity.single_logout")
    assert entry.data == {"provider": "company", "sid": "sid-1", "sessions_ended": 2}
    assert entry.target_id == str(User.objects.get(email=ALICE["email"]).pk)


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "someone-else"},
        {"_key": "other"},  # signed with a key the provider does not publish
        {"iat": 1_600_000_000, "exp": 1_600_000_120},  # expired
        {"events": {"http://schemas.openid.net/event/something-else": {}}},
        {"nonce": "n"},
        {"sub": ""},
        {"iss": "http://127.0.0.1:1"},
    ],
    ids=["audience", "signature", "expired", "events", "nonce", "no-subject", "issuer"],
)
def test_an_invalid_logout_token_is_refused_and_ends_nothing(idp, alice_signed_in, claims):
    token = idp.logout_token(**{"aud": CLIENT_ID, "sub": "alice", **claims})

    response = Client().post(LOGOUT_URL, {"logout_token": token})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert all(is_signed_in(c) for c in alice_signed_in)
    assert not AuditEntry.objects.filter(action="identity.single_logout").exists()


def test_a_replayed_logout_token_is_refused(idp, alice_signed_in):
    token = idp.logout_token(aud=CLIENT_ID, sub="alice")
    assert Client().post(LOGOUT_URL, {"logout_token": token}).status_code == 200

    assert Client().post(LOGOUT_URL, {"logout_token": token}).status_code == 400
    assert AuditEntry.objects.filter(action="identity.single_logout").count() == 1


def test_bad_requests_are_refused(idp):
    assert Client().post(LOGOUT_URL, {}).status_code == 400
    assert Client().post(LOGOUT_URL, {"logout_token": "not-a-jwt"}).status_code == 400
    assert Client().get(LOGOUT_URL).status_code == 405
    assert Client().post("/accounts/oidc/nobody/backchannel-logout/", {}).status_code == 404


@pytest.fixture
def live_idp(live_server, settings):
    """A provider that knows RSE's live address, to call its back-channel endpoint."""
    provider = OIDCProvider(
        redirect_uris=[f"{live_server.url}/accounts/oidc/company/login/callback/"],
        backchannel_logout_uri=f"{live_server.url}{LOGOUT_URL}",
    )
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [provider.app()],
        }
    }
    yield provider
    provider.stop()


@pytest.mark.django_db(transaction=True)
def test_signing_out_at_the_provider_signs_out_of_rse(live_server, live_idp):
    """End to end: sign in through the provider, sign out there, and the provider's
    back-channel call ends the RSE session at once."""
    live_idp.set_account("alice", **ALICE)
    rse, at_idp = requests.Session(), requests.Session()
    rse.get(f"{live_server.url}/accounts/login/")
    start = rse.post(
        f"{live_server.url}/accounts/oidc/company/login/",
        data={"csrfmiddlewaretoken": rse.cookies["csrftoken"]},
        headers={"Referer": f"{live_server.url}/accounts/login/"},
        allow_redirects=False,
    )
    callback = live_idp.authorize(
        start.headers["Location"], "alice", browser=at_idp, rp_origin=live_server.url
    )
    assert rse.get(callback).status_code == 200
    assert rse.get(f"{live_server.url}/notifications/", allow_redirects=False).status_code == 200

    page = at_idp.get(f"{live_idp.issuer}/session/end")
    form = re.search(r'action="([^"]+)".*?name="xsrf" value="([^"]+)"', page.text, re.S)
    assert form, page.text[:500]
    done = at_idp.post(
        urljoin(page.url, form.group(1)), data={"xsrf": form.group(2), "logout": "yes"}
    )
    assert done.status_code == 200

    after = rse.get(f"{live_server.url}/notifications/", allow_redirects=False)
    assert after.status_code == 302 and "/accounts/login/" in after.headers["Location"]
    assert AuditEntry.objects.filter(action="identity.single_logout").count() == 1
