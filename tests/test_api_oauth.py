"""OAuth 2.0 for intranet and mobile apps (django-oauth-toolkit): the authorization code
flow with PKCE, end to end through the site's own pages; client credentials never act
as a person."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from oauth2_provider.models import Application

from .api_helpers import ApiClient, is_problem

pytestmark = pytest.mark.django_db

REDIRECT = "https://intranet.example.com/rse/callback"


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


@pytest.fixture
def mobile_app(admin_user):
    return Application.objects.create(
        name="RSE mobile",
        user=admin_user,
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        algorithm="",
    )


def _authorize(client: Client, app: Application, challenge: str | None, scope="read write"):
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "s-123",
    }
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    page = client.get("/api/v1/oauth/authorize/", params)
    return page, params


def test_authorization_code_with_pkce_end_to_end(client, employee, mobile_app):
    verifier, challenge = _pkce()
    client.force_login(employee)
    page, params = _authorize(client, mobile_app, challenge)
    assert page.status_code == 200
    assert "Let “RSE mobile” use your account?" in page.content.decode()
    allowed = client.post("/api/v1/oauth/authorize/", {**params, "allow": "Authorize"})
    assert allowed.status_code == 302
    target = urlsplit(allowed["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == REDIRECT
    query = parse_qs(target.query)
    assert query["state"] == ["s-123"]
    code = query["code"][0]
    app = Client()  # the mobile app itself, with no session
    wrong = app.post(
        "/api/v1/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": mobile_app.client_id,
            "code_verifier": "not-the-verifier-" + "x" * 40,
        },
    )
    assert wrong.status_code == 400
    # The right verifier, on a new authorization.
    allowed = client.post("/api/v1/oauth/authorize/", {**params, "allow": "Authorize"})
    code = parse_qs(urlsplit(allowed["Location"]).query)["code"][0]
    token = app.post(
        "/api/v1/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": mobile_app.client_id,
            "code_verifier": verifier,
        },
    )
    assert token.status_code == 200, token.content
    access = token.json()["access_token"]
    me = ApiClient(access).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == employee.username
    assert me.json()["scopes"] == ["read", "write"]


def test_pkce_is_required(client, employee, mobile_app):
    client.force_login(employee)
    page, _params = _authorize(client, mobile_app, challenge=None)
    # Refused: back to the application with the error, and no code.
    assert page.status_code == 302
    query = parse_qs(urlsplit(page["Location"]).query)
    assert query["error"] == ["invalid_request"] and "code" not in query


def test_a_read_scoped_oauth_token_cannot_write(client, employee, mobile_app):
    verifier, challenge = _pkce()
    client.force_login(employee)
    _page, params = _authorize(client, mobile_app, challenge, scope="read")
    allowed = client.post("/api/v1/oauth/authorize/", {**params, "allow": "Authorize"})
    code = parse_qs(urlsplit(allowed["Location"]).query)["code"][0]
    access = (
        Client()
        .post(
            "/api/v1/oauth/token/",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "client_id": mobile_app.client_id,
                "code_verifier": verifier,
            },
        )
        .json()["access_token"]
    )
    api = ApiClient(access)
    assert api.get("/api/v1/me/").json()["scopes"] == ["read"]
    assert is_problem(api.post("/api/v1/posts/", {"body": "Hi"}), 403)


def test_client_credentials_do_not_act_as_a_person(admin_user):
    secret = "s3cret-" + secrets.token_urlsafe(16)
    app = Application.objects.create(
        name="Batch job",
        user=admin_user,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        algorithm="",
    )
    token = Client().post(
        "/api/v1/oauth/token/",
        {
            "grant_type": "client_credentials",
            "client_id": app.client_id,
            "client_secret": secret,
            "scope": "read",
        },
    )
    assert token.status_code == 200, token.content
    response = ApiClient(token.json()["access_token"]).get("/api/v1/me/")
    assert is_problem(response, 401)
    assert "client credentials" in response.json()["detail"]


def _tokens(client: Client, app: Application, scope="read write") -> dict:
    """An access and a refresh token through the PKCE flow."""
    verifier, challenge = _pkce()
    _page, params = _authorize(client, app, challenge, scope=scope)
    allowed = client.post("/api/v1/oauth/authorize/", {**params, "allow": "Authorize"})
    code = parse_qs(urlsplit(allowed["Location"]).query)["code"][0]
    answer = Client().post(
        "/api/v1/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app.client_id,
            "code_verifier": verifier,
        },
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


def _refresh(app: Application, refresh_token: str, **extra):
    return Client().post(
        "/api/v1/oauth/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": app.client_id,
            **extra,
        },
    )


def test_a_refresh_token_gives_a_new_pair_once_and_a_replay_revokes_the_family(
    client, employee, mobile_app
):
    client.force_login(employee)
    first = _tokens(client, mobile_app)
    assert first["refresh_token"]
    renewed = _refresh(mobile_app, first["refresh_token"])
    assert renewed.status_code == 200, renewed.content
    second = renewed.json()
    # Rotation: a new access token and a new refresh token; the old access token is gone.
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert ApiClient(second["access_token"]).get("/api/v1/me/").status_code == 200
    assert is_problem(ApiClient(first["access_token"]).get("/api/v1/me/"), 401)
    # The old refresh token used again (stolen and replayed): refused, and the whole
    # family is revoked (RFC 9700 §4.14.2): the new pair stops working too.
    replay = _refresh(mobile_app, first["refresh_token"])
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert is_problem(ApiClient(second["access_token"]).get("/api/v1/me/"), 401)
    assert _refresh(mobile_app, second["refresh_token"]).status_code == 400


def test_a_refresh_may_narrow_the_scopes_but_never_widen_them(client, employee, mobile_app):
    client.force_login(employee)
    tokens = _tokens(client, mobile_app, scope="read")
    wider = _refresh(mobile_app, tokens["refresh_token"], scope="read write")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"
    tokens = _tokens(client, mobile_app, scope="read write")
    narrower = _refresh(mobile_app, tokens["refresh_token"], scope="read")
    assert narrower.status_code == 200, narrower.content
    api = ApiClient(narrower.json()["access_token"])
    assert api.get("/api/v1/me/").json()["scopes"] == ["read"]


def test_a_refresh_token_of_another_application_is_refused(
    client, employee, mobile_app, admin_user
):
    client.force_login(employee)
    tokens = _tokens(client, mobile_app)
    other = Application.objects.create(
        name="Other app",
        user=admin_user,
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        algorithm="",
    )
    stolen = _refresh(other, tokens["refresh_token"])
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
