"""Signing deliveries: HMAC-SHA256 of "<timestamp>.<body>" with the hook's secret.

Header: `RSE-Signature: t=<unix seconds>, v1=<hex digest>`. A receiver recomputes the
digest over the same bytes, compares in constant time and refuses a timestamp too far
from its clock (README, "Webhooks")."""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp}, v1={signature(secret, timestamp, body)}"


def verify(secret: str, value: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """The receiver's check (used by the tests and shown in the README)."""
    parts = dict(p.strip().split("=", 1) for p in value.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, parts.get("v1", ""))
