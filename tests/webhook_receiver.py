"""A real receiver for the webhook tests: a threaded http.server on 127.0.0.1 (a port
of the range given to these tests), which records each request, checks its signature
as a receiver would (README, "Webhooks") when it knows the secret — 401 if it does not
match — and answers the next status of its script (200 once the script is used up)."""

import hashlib
import hmac
import http.server
import threading
import time
from dataclasses import dataclass, field

PORTS = range(8201, 8210)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    port: int = 0
    script: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    answer: bytes = b'{"ok": true}'
    secret: str = ""  # when set, a request whose signature does not match gets 401
    verified: list[bool] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/rse"


def signature_ok(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (README, "Webhooks"), written here independently of the app."""
    fields = dict(part.strip().split("=", 1) for part in header.split(",") if "=" in part)
    try:
        sent_at = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - sent_at) > tolerance:
        return False
    digest = hmac.new(secret.encode(), f"{sent_at}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(digest.hexdigest(), fields.get("v1", ""))


def _handler(receiver: Receiver):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            status = receiver.script.pop(0) if receiver.script else 200
            if receiver.secret:
                ok = signature_ok(receiver.secret, self.headers.get("RSE-Signature", ""), body)
                receiver.verified.append(ok)
                if not ok:
                    status = 401
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(receiver.answer)))
            self.end_headers()
            self.wfile.write(receiver.answer)

        def log_message(self, *args) -> None:
            pass

    return Handler


def start() -> tuple[Receiver, http.server.ThreadingHTTPServer]:
    receiver = Receiver()
    for port in PORTS:
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
        except OSError:
            continue
        receiver.port = port
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return receiver, server
    raise RuntimeError("No free port for the webhook receiver in 8201-8209.")
