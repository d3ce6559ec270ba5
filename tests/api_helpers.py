"""Helpers for the API tests: a client signed in with a personal access token."""

from django.test import Client

from api.services import token_create


def token_for(user, scopes=("read", "write"), days: int = 30) -> str:
    """A live token of `user` (the moderate scope needs a moderator)."""
    _token, raw = token_create(actor=user, name="tests", scopes=list(scopes), days=days)
    return raw


class ApiClient:
    """Django's test client, every request carrying the bearer token."""

    def __init__(self, raw: str | None = None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw}"} if raw else {}

    def get(self, url: str, **kwargs):
        return self.client.get(url, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    def _send(self, method: str, url: str, data=None, **kwargs):
        return getattr(self.client, method)(
            url,
            data=data if data is not None else {},
            content_type=kwargs.pop("content_type", "application/json"),
            headers={**self.headers, **kwargs.pop("headers", {})},
            **kwargs,
        )

    def post(self, url: str, data=None, **kwargs):
        return self._send("post", url, data, **kwargs)

    def patch(self, url: str, data=None, **kwargs):
        return self._send("patch", url, data, **kwargs)

    def put(self, url: str, data=None, **kwargs):
        return self._send("put", url, data, **kwargs)

    def delete(self, url: str, data=None, **kwargs):
        return self._send("delete", url, data, **kwargs)


def api_as(user, scopes=("read", "write")) -> ApiClient:
    return ApiClient(token_for(user, scopes))


def is_problem(response, status: int) -> bool:
    """An RFC 9457 problem body with this status."""
    body = response.json()
    return (
        response.status_code == status
        and response["Content-Type"].startswith("application/problem+json")
        and body["status"] == status
        and body["title"]
        and body["type"].startswith("https://")
    )
