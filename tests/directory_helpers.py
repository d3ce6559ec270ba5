"""Helpers for the company directory tests: a SCIM client with its token, payloads."""

import json

from django.test import Client

from directory import services
from directory.models import ProvisioningClient

SCIM = "/scim/v2"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
RSE_EXT = "urn:ietf:params:scim:schemas:extension:rse:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class ScimApi:
    """Calls /scim/v2/ as an identity provider would, with its bearer token."""

    def __init__(self, token: str, client: ProvisioningClient):
        self.http = Client()
        self.token = token
        self.client = client

    def _call(self, method: str, path: str, payload=None, *, raw: bytes | None = None, **params):
        body = raw if raw is not None else (json.dumps(payload) if payload is not None else "")
        return getattr(self.http, method)(
            f"{SCIM}{path}",
            data=body if method != "get" else params,
            content_type="application/scim+json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, payload=None, **kw):
        return self._call("post", path, payload, **kw)

    def put(self, path, payload):
        return self._call("put", path, payload)

    def patch(self, path, *operations, raw=None):
        payload = {"schemas": [PATCH], "Operations": list(operations)}
        return self._call("patch", path, payload, raw=raw)

    def delete(self, path):
        return self._call("delete", path)


def make_scim_client(admin, name="Entra ID") -> ScimApi:
    client, token = services.client_create(actor=admin, name=name, kind="entra")
    return ScimApi(token, client)


def user_payload(username="alice@example.com", **overrides) -> dict:
    payload = {
        "schemas": [USER_SCHEMA, ENTERPRISE, RSE_EXT],
        "userName": username,
        "externalId": f"ext-{username}",
        "name": {"givenName": "Alice", "familyName": "Durand"},
        "emails": [{"value": username, "type": "work", "primary": True}],
        "title": "Buyer",
        "active": True,
        ENTERPRISE: {
            "employeeNumber": "E-1001",
            "department": "Purchasing",
            "organization": "ACME France",
        },
        RSE_EXT: {"site": "Lyon"},
    }
    payload.update(overrides)
    return payload


def group_payload(name="Purchasing", members=()) -> dict:
    return {
        "schemas": [GROUP_SCHEMA],
        "displayName": name,
        "members": [{"value": str(pk)} for pk in members],
    }
