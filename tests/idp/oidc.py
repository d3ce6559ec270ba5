"""A real OpenID Provider for the tests (tests/idp/oidc_provider.mjs, on 127.0.0.1),
and a person's round trip through it with Django's test client."""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
ROOT = SCRIPT.parent.parent.parent
CLIENT_ID = "rse-tests"
CLIENT_SECRET = "rse-tests-secret"
CALLBACK = "http://testserver/accounts/oidc/company/login/callback/"

# A person of the company, as the test provider describes her.
ALICE = {
    "email": "alice.durand@example.com",
    "email_verified": True,
    "given_name": "Alice",
    "family_name": "Durand",
    "job_title": "Buyer",
    "department": "Purchasing",
    "site": "Lyon",
    "employee_number": "E1001",
    "employee_type": "employee",
}


class OIDCProvider:
    def __init__(self, *, redirect_uris: list[str], backchannel_logout_uri: str = ""):
        client = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": redirect_uris,
            "token_endpoint_auth_method": "client_secret_post",
        }
        if backchannel_logout_uri:
            client["backchannel_logout_uri"] = backchannel_logout_uri
        self.process = subprocess.Popen(
            [shutil.which("node") or "node", str(SCRIPT), json.dumps({"clients": [client]})],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            self.process.kill()
            raise RuntimeError("the test OpenID provider did not start")
        self.issuer = json.loads(line)["issuer"]
        self.http = requests.Session()

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def app(self, provider_id: str = "company", **settings) -> dict:
        """The allauth app (SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]) for RSE."""
        return {
            "provider_id": provider_id,
            "name": "Acme",
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "settings": {
                "server_url": self.issuer,
                "oauth_pkce_enabled": True,
                "scope": ["openid", "profile", "email", "company"],
                "domains": ["example.com"],
                **settings,
            },
        }

    def set_account(self, sub: str, **claims) -> None:
        self.http.post(f"{self.issuer}/_test/accounts", json={sub: claims}).raise_for_status()

    def misbehave(self, mode: str) -> None:
        self.http.post(f"{self.issuer}/_test/misbehave", json={"mode": mode}).raise_for_status()

    def logout_token(self, **claims) -> str:
        response = self.http.post(f"{self.issuer}/_test/logout-token", json=claims)
        response.raise_for_status()
        return response.json()["logout_token"]

    def sign_in_page(self, authorize_url: str, browser: requests.Session) -> str:
        """Follow the authorization request to the provider's sign-in page; its URL."""
        response = browser.get(authorize_url, allow_redirects=True)
        response.raise_for_status()
        assert "/interaction/" in response.url, response.text[:500]
        return response.url

    def authorize(self, authorize_url: str, login: str, *, browser=None, rp_origin: str) -> str:
        """A person signs in at the provider as `login`: the URL the provider sends the
        browser back to (RSE's callback, with the code)."""
        browser = browser or requests.Session()
        page = self.sign_in_page(authorize_url, browser)
        response = browser.post(page, data={"login": login}, allow_redirects=False)
        for _hop in range(10):
            location = response.headers.get("Location", "")
            assert response.status_code in (302, 303), (response.status_code, response.text[:500])
            url = urljoin(response.url, location)
            if url.startswith(rp_origin):
                return url
            response = browser.get(url, allow_redirects=False)
        raise AssertionError("the provider never sent the browser back")


def sign_in(client, idp: OIDCProvider, login: str, *, provider_id: str = "company", browser=None):
    """Click "Sign in with Acme", sign in at the provider, come back: the callback's
    response (the test client is RSE's browser, `browser` the provider's)."""
    response = client.post(f"/accounts/oidc/{provider_id}/login/")
    assert response.status_code == 302, response.content[:500]
    callback = idp.authorize(
        response["Location"], login, browser=browser, rp_origin="http://testserver/"
    )
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")
