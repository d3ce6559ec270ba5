"""Checking the audit trail: the walk of the keyed chain (audit_verify) and the anchors of
its head written outside the database (audit_anchor). See audit/chain.py for the keys."""

import json
import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import chain
from .models import GENESIS_HASH, AuditChainHead, AuditCheckpoint, AuditEntry

anchor_logger = logging.getLogger("audit.anchor")


@dataclass
class VerifyResult:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    anchors: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.broken_at is None


class _Broken(Exception):
    def __init__(self, at: int, reason: str) -> None:
        super().__init__(reason)
        self.at, self.reason = at, reason
        self.checked = 0  # entries verified before the break


@dataclass
class Anchor:
    sequence: int
    hash: str
    at: str
    line: str


def verify_chain(*, anchor_path: Path | None = None) -> VerifyResult:
    """Walk the chain from the last checkpoint; report the first broken link.

    Checked: the latest checkpoint is signed with the audit key and removed only expired
    entries; entries follow each other without a gap; each entry's hash (keyed from the
    head's signed `keyed_from_sequence` on) matches its content; the chain ends where the
    head says; and every anchor written outside the database (AUDIT_ANCHOR_PATH) is
    signed and still matches — an anchored entry that is gone or different is a rollback.
    """
    try:
        anchors = read_anchors(anchor_path or settings.AUDIT_ANCHOR_PATH)
        checked = _walk(anchors)
    except _Broken as broken:
        return VerifyResult(broken.checked, broken.at, broken.reason)
    notes = [] if anchors else ["no anchor yet: a rollback of the latest entries is not checked"]
    return VerifyResult(checked, anchors=len(anchors), notes=notes)


def _walk(anchors: list[Anchor]) -> int:
    head = AuditChainHead.objects.filter(pk=1).first()
    checkpoint = AuditCheckpoint.objects.order_by("-purged_through_sequence").first()
    if checkpoint is not None:
        _check_checkpoint(checkpoint)
    keyed_from = 1
    if head is not None:
        if not chain.same(head.keyed_from_mac, head.keyed_from_expected_mac()):
            raise _Broken(
                head.keyed_from_sequence,
                "the start of the keyed chain was moved, "
                "or AUDIT_HMAC_KEY is not the key that wrote the chain",
            )
        keyed_from = head.keyed_from_sequence
    anchored = {a.sequence: a for a in anchors}
    expected_previous = checkpoint.last_purged_hash if checkpoint else GENESIS_HASH
    expected_sequence = checkpoint.purged_through_sequence + 1 if checkpoint else 1
    checked = 0
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        try:
            _check_entry(entry, expected_sequence, expected_previous, keyed_from, anchored)
        except _Broken as broken:
            broken.checked = checked
            raise
        expected_previous = entry.entry_hash
        expected_sequence += 1
        checked += 1
    last = expected_sequence - 1
    if head is None and last > 0:
        raise _Broken(last, "the chain head is missing")
    if head is not None and (head.last_sequence != last or head.last_hash != expected_previous):
        raise _Broken(
            head.last_sequence, f"the latest entries were removed (the chain ends at #{last})"
        )
    beyond = [a for a in anchors if a.sequence > last]
    if beyond:
        newest = max(beyond, key=lambda a: a.sequence)
        raise _Broken(
            newest.sequence,
            f"the chain was rolled back: entry #{newest.sequence} was anchored at "
            f"{newest.at} but the chain now ends at #{last}",
        )
    return checked


def _check_entry(
    entry: AuditEntry, sequence: int, previous: str, keyed_from: int, anchored: dict
) -> None:
    if entry.sequence != sequence:
        raise _Broken(entry.sequence, f"entry #{sequence} is missing")
    if entry.previous_hash != previous:
        raise _Broken(entry.sequence, "does not follow the entry before it")
    version = chain.KEYED if entry.sequence >= keyed_from else chain.PLAIN
    if entry.hash_version != version:
        raise _Broken(entry.sequence, "is not hashed with the audit key")
    if not chain.same(entry.compute_hash(), entry.entry_hash):
        raise _Broken(entry.sequence, "content was changed")
    anchor = anchored.get(entry.sequence)
    if anchor is not None and anchor.hash != entry.entry_hash:
        raise _Broken(entry.sequence, f"differs from the hash anchored at {anchor.at}")


def _check_checkpoint(checkpoint: AuditCheckpoint) -> None:
    at = checkpoint.purged_through_sequence
    if not checkpoint.mac or not chain.same(checkpoint.mac, checkpoint.expected_mac()):
        raise _Broken(at, "the purge checkpoint is not signed with the audit key")
    retention = timedelta(days=settings.AUDIT_RETENTION_DAYS)
    if checkpoint.last_purged_at and checkpoint.last_purged_at >= checkpoint.created_at - retention:
        raise _Broken(
            at,
            f"the purge of {checkpoint.created_at:%Y-%m-%d} removed entries younger than "
            f"AUDIT_RETENTION_DAYS ({settings.AUDIT_RETENTION_DAYS})",
        )


# --- Anchors: the head of the chain, signed, outside the database -----------------------


def chain_head() -> tuple[int, str]:
    """The last sequence and hash of the chain, as the head row says."""
    head = AuditChainHead.objects.filter(pk=1).first()
    return (head.last_sequence, head.last_hash) if head else (0, GENESIS_HASH)


def anchor_head(*, path: Path | None = None) -> Anchor:
    """Append the chain head (sequence and hash), signed with the audit key, to the
    anchor file and to the log. A later rollback of the chain in the database (latest
    entries deleted, head moved back) then no longer matches what was written here."""
    sequence, head_hash = chain_head()
    at = timezone.now().isoformat()
    payload = {
        "sequence": sequence,
        "hash": head_hash,
        "at": at,
        "mac": chain.anchor_mac(sequence=sequence, head_hash=head_hash, at=at),
    }
    line = json.dumps(payload, sort_keys=True)
    target = Path(path or settings.AUDIT_ANCHOR_PATH)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as out:
        out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())
    anchor_logger.info("audit anchor %s", line)
    return Anchor(sequence, head_hash, at, line)


def read_anchors(path: Path) -> list[Anchor]:
    """The anchors of the file, each checked against its signature (none if no file)."""
    if not Path(path).exists():
        return []
    anchors = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                anchor = Anchor(int(item["sequence"]), str(item["hash"]), str(item["at"]), line)
                mac = str(item["mac"])
            except (ValueError, KeyError, TypeError):
                raise _Broken(0, f"line {number} of the anchor file is not an anchor") from None
            expected = chain.anchor_mac(
                sequence=anchor.sequence, head_hash=anchor.hash, at=anchor.at
            )
            if not chain.same(mac, expected):
                raise _Broken(
                    anchor.sequence,
                    f"line {number} of the anchor file is not signed with the audit key",
                )
            if anchor.sequence > 0:
                anchors.append(anchor)
    return anchors
