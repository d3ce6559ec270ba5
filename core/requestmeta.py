"""Facts about a request that the audit trail and the rate limits rely on.

X-Forwarded-For and X-Request-ID are believed only when the direct peer is one of
RSE_TRUSTED_PROXIES: any client can send those headers, so trusting them blindly
would let anyone choose the address recorded against their actions.
"""

import ipaddress
import re
import uuid
from functools import cache

from django.conf import settings
from django.http import HttpRequest

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
_REQUEST_ID_FORMAT = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@cache
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _trusted_networks(tuple(settings.RSE_TRUSTED_PROXIES)))


def _valid_ip(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client: the peer, or behind trusted proxies, the nearest
    address in X-Forwarded-For that is not itself a trusted proxy."""
    peer = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    if peer is None or not _is_trusted_proxy(peer):
        return peer
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        ip = _valid_ip(address)
        if ip is None:
            return peer  # a garbled header is no better than none
        if not _is_trusted_proxy(ip):
            return ip
    return peer


def client_kind(request: HttpRequest) -> str:
    path = request.path
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "web"


def request_id(request: HttpRequest) -> str:
    """The id set by RequestIdMiddleware (or a fresh one for requests built elsewhere)."""
    rid = getattr(request, "request_id", None)
    if not rid:
        rid = _incoming_request_id(request) or uuid.uuid4().hex
        setattr(request, "request_id", rid)  # noqa: B010 - HttpRequest has no such field
    return rid


def _incoming_request_id(request: HttpRequest) -> str | None:
    incoming = request.META.get(REQUEST_ID_HEADER, "")
    peer = request.META.get("REMOTE_ADDR", "")
    if incoming and _is_trusted_proxy(peer) and _REQUEST_ID_FORMAT.match(incoming):
        return incoming
    return None


class RequestIdMiddleware:
    """Gives every request an id (kept from a trusted proxy's X-Request-ID) and returns it
    in the response, so an audit entry can be matched with the proxy's and app's logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = request_id(request)
        response = self.get_response(request)
        response.headers["X-Request-ID"] = rid
        return response
