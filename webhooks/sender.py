"""One HTTP POST to a hook, to the address that was checked (addresses.vetted_address),
with a bounded time and a bounded read of the answer. Redirects are not followed."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from django.conf import settings

from .addresses import Address, Target


@dataclass
class Response:
    status: int | None
    excerpt: str
    error: str
    duration_ms: int


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, address: Address, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._address = str(address)

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """TLS to the checked address, with the certificate checked against the host name."""

    def __init__(self, address: Address, *args, context: ssl.SSLContext, **kwargs):
        super().__init__(*args, context=context, **kwargs)
        self._address = str(address)
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def post(target: Target, address: Address, body: bytes, headers: dict[str, str]) -> Response:
    timeout = settings.RSE_WEBHOOKS_TIMEOUT_SECONDS
    limit = settings.RSE_WEBHOOKS_MAX_RESPONSE_BYTES
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPS(
            address, target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTP(address, target.host, target.port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        answer = connection.getresponse()
        content = answer.read(limit)
        status: int | None = answer.status
        error = ""
    except (OSError, http.client.HTTPException) as exc:
        status, content, error = None, b"", f"{type(exc).__name__}: {exc}"[:300]
    finally:
        connection.close()
    duration = int((time.monotonic() - started) * 1000)
    excerpt = content[:500].decode("utf-8", "replace")[:500]
    return Response(status, excerpt, error, duration)
