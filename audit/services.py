"""Writing to the audit trail: the one way to record, the retention purge, the check."""

import csv
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from rse import requestmeta

from . import chain
from .catalogue import ACTIONS
from .models import GENESIS_HASH, AuditChainHead, AuditCheckpoint, AuditEntry

PURGE_BATCH_SIZE = 5000
anchor_logger = logging.getLogger("audit.anchor")


def record(
    action: str,
    *,
    actor=None,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    data: dict | None = None,
    actor_label: str = "",
    client: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail.

    Runs inside the caller's transaction: if this write fails, the action fails too.
    `client` defaults to what the request says (web, admin, api); jobs pass "job".
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to audit/catalogue.py.")
    details = json.loads(json.dumps(data or {}, default=str))  # the form the database keeps
    with transaction.atomic():
        head = _locked_chain_head()
        entry = AuditEntry(
            sequence=head.last_sequence + 1,
            created_at=timezone.now(),
            action=action,
            actor=actor if actor is not None and actor.pk else None,
            actor_label=(actor_label or _describe_person(actor))[:255],
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_label=str(target)[:255] if target is not None else "",
            ip_address=requestmeta.client_ip(request) if request is not None else None,
            client=client
            or (
                requestmeta.client_kind(request)
                if request is not None
                else AuditEntry.Client.COMMAND
            ),
            user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:255],
            request_id=requestmeta.request_id(request) if request is not None else "",
            data=details,
            previous_hash=head.last_hash,
            hash_version=chain.KEYED,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_sequence=entry.sequence, last_hash=entry.entry_hash
        )
    return entry


def _locked_chain_head() -> AuditChainHead:
    # A new chain (a new database) is keyed from its first entry.
    AuditChainHead.objects.get_or_create(
        pk=1, defaults={"keyed_from_sequence": 1, "keyed_from_mac": chain.keyed_from_mac(1)}
    )
    return AuditChainHead.objects.select_for_update().get(pk=1)


def _describe_person(user) -> str:
    if user is None:
        return ""
    name = user.get_full_name()
    return f"{name} <{user.get_username()}>" if name else user.get_username()


def record_login_failure(*, identifier: str, request: HttpRequest | None) -> AuditEntry | None:
    """Record a failed sign-in, at most AUDIT_LOGIN_FAILED_PER_HOUR per client address
    and hour; the first one over the limit is recorded as 'throttled', the rest dropped."""
    from django.core.cache import cache

    address = requestmeta.client_ip(request) if request is not None else None
    hour = timezone.now().strftime("%Y%m%d%H")
    key = f"audit:login-failed:{address}:{hour}"
    cache.add(key, 0, timeout=3600)
    count = cache.incr(key)
    limit = settings.AUDIT_LOGIN_FAILED_PER_HOUR
    if count <= limit:
        return record(
            "auth.login_failed",
            request=request,
            actor_label=identifier,
            data={"identifier": identifier},
        )
    if count == limit + 1:
        return record(
            "auth.login_failed_throttled", request=request, data={"limit_per_hour": limit}
        )
    return None


@dataclass
class PurgeResult:
    cutoff: datetime
    purged: int
    through_sequence: int | None


def purge_expired(*, now=None, dry_run: bool = False, client: str = "job") -> PurgeResult:
    """Remove entries older than AUDIT_RETENTION_DAYS, oldest first, in batches.

    Only a prefix of the chain is ever removed — up to the first entry not yet expired —
    and each batch writes a signed checkpoint in the same transaction, so the surviving
    chain verifies even if the job is killed half-way; running it again simply carries
    on. On PostgreSQL the rows are deleted by the SECURITY DEFINER function
    `audit_purge_through` (migration 0004), the only way past the append-only trigger.
    The purge records itself.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    last = _last_expired_of_prefix(cutoff)
    if last is None:
        return PurgeResult(cutoff, 0, None)
    if dry_run:
        return PurgeResult(cutoff, AuditEntry.objects.filter(sequence__lte=last).count(), last)
    purged = 0
    while True:
        with transaction.atomic():
            batch = list(
                AuditEntry.objects.filter(sequence__lte=last)
                .order_by("sequence")
                .values_list("sequence", "entry_hash", "created_at")[:PURGE_BATCH_SIZE]
            )
            if not batch:
                break
            through, through_hash, through_at = batch[-1]
            deleted = _delete_through(through, cutoff)
            checkpoint = AuditCheckpoint(
                created_at=timezone.now(),
                purged_through_sequence=through,
                last_purged_hash=through_hash,
                last_purged_at=through_at,
                purged_count=deleted,
            )
            checkpoint.mac = checkpoint.expected_mac()
            checkpoint.save()
            purged += deleted
    record(
        "audit.purged",
        client=client,
        actor_label="retention job",
        data={
            "purged": purged,
            "through_sequence": last,
            "cutoff": cutoff.isoformat(),
            "retention_days": settings.AUDIT_RETENTION_DAYS,
        },
    )
    return PurgeResult(cutoff, purged, last)


def _last_expired_of_prefix(cutoff: datetime) -> int | None:
    """The last sequence of the longest prefix of the chain that has wholly expired."""
    entries = AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)
    first_kept = entries.filter(created_at__gte=cutoff).first()
    expired = entries.filter(created_at__lt=cutoff)
    if first_kept is not None:
        expired = expired.filter(sequence__lt=first_kept)
    return expired.order_by("-sequence").first()


def _delete_through(through: int, cutoff: datetime) -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT audit_purge_through(%s, %s)", [through, cutoff])
            return int(cursor.fetchone()[0])
    return AuditEntry.objects.filter(sequence__lte=through)._raw_delete(AuditEntry.objects.db)


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


EXPORT_COLUMNS = [
    "sequence",
    "created_at",
    "action",
    "actor_label",
    "target_type",
    "target_id",
    "target_label",
    "ip_address",
    "client",
    "user_agent",
    "request_id",
    "data",
    "entry_hash",
]


def export_csv(entries: Iterable[AuditEntry], out, *, actor, request, filters: dict) -> int:
    """Write `entries` as CSV to `out` and record the export. Returns the row count."""
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for entry in entries:
        row = [getattr(entry, column) for column in EXPORT_COLUMNS]
        row[EXPORT_COLUMNS.index("data")] = json.dumps(entry.data, sort_keys=True)
        writer.writerow([_csv_safe(value) for value in row])
        count += 1
    record("audit.exported", actor=actor, request=request, data={"rows": count, "filters": filters})
    return count


def _csv_safe(value) -> str:
    # A cell starting with =, +, - or @ runs as a formula in spreadsheets: neutralise it.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text
