"""Writing to the audit trail: the one way to record, the retention purge, the check."""

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from core import requestmeta

from . import chain
from .catalogue import ACTIONS
from .integrity import (  # noqa: F401 - the checks, re-exported beside the writes
    Anchor,
    VerifyResult,
    anchor_head,
    chain_head,
    read_anchors,
    verify_chain,
)
from .models import AuditChainHead, AuditCheckpoint, AuditEntry

PURGE_BATCH_SIZE = 5000


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
