"""A real receiver for the webhook tests: a threaded http.server on 127.0.0.1 (a port
of the range given to these tests), which records each request and answers the next
status of its script (200 once the script is used up)."""

import http.server
import threading
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

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/rse"


def _handler(receiver: Receiver):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            status = receiver.script.pop(0) if receiver.script else 200
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
