"""The keyed hashes of the audit trail (issue 27, finding 6).

Entries, purge checkpoints, the start of the keyed chain and the anchors written outside
the database are all authenticated with HMAC-SHA256 under AUDIT_HMAC_KEY, a key that
lives in the environment and never in the database: whoever can write the tables but
does not hold the key cannot recompute a chain that `audit_verify` accepts.

Entries written before the key existed keep their plain SHA-256 hash (version 1); every
entry from `AuditChainHead.keyed_from_sequence` on is keyed (version 2).
"""

import hashlib
import hmac
from datetime import datetime

from django.conf import settings

PLAIN = 1  # SHA-256 over the previous hash and the content: entries before the key
KEYED = 2  # HMAC-SHA256 under AUDIT_HMAC_KEY


def keyed_mac(kind: str, *parts: object) -> str:
    """HMAC-SHA256 of `kind` and `parts` under the audit key, as 64 hex characters.
    `kind` separates the uses, so a MAC made for one never passes for another."""
    message = "|".join([kind, *(str(part) for part in parts)])
    key = settings.AUDIT_HMAC_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def entry_hash(version: int, previous_hash: str, canonical: str) -> str:
    if version == PLAIN:
        return hashlib.sha256(f"{previous_hash}|{canonical}".encode()).hexdigest()
    if version == KEYED:
        return keyed_mac("entry", previous_hash, canonical)
    raise ValueError(f"Unknown audit hash version {version!r}.")


def keyed_from_mac(sequence: int) -> str:
    return keyed_mac("keyed-from", sequence)


def checkpoint_mac(
    *, through: int, last_hash: str, last_at: datetime | None, created_at: datetime, count: int
) -> str:
    return keyed_mac(
        "checkpoint",
        through,
        last_hash,
        last_at.isoformat() if last_at else "",
        created_at.isoformat(),
        count,
    )


def anchor_mac(*, sequence: int, head_hash: str, at: str) -> str:
    return keyed_mac("anchor", sequence, head_hash, at)


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two hashes."""
    return hmac.compare_digest(a.encode(), b.encode())
