"""Signing deliveries: HMAC-SHA256 of "<timestamp>.<body>" with the hook's secret.

Header: `RSE-Signature: t=<unix seconds>, v1=<hex digest>`. A receiver recomputes the
digest over the same bytes, compares in constant time and refuses a timestamp too far
from its clock (README, "Webhooks", shows the check in Python)."""

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
