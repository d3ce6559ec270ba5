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

from .catalogue import ACTIONS
from .models import GENESIS_HASH, AuditChainHead, AuditCheckpoint, AuditEntry

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
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_sequence=entry.sequence, last_hash=entry.entry_hash
        )
    return entry


def _locked_chain_head() -> AuditChainHead:
    AuditChainHead.objects.get_or_create(pk=1)
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

    Only a prefix of the chain is ever removed, and each batch writes a checkpoint in
    the same transaction, so the surviving chain verifies even if the job is killed
    half-way; running it again simply carries on. The purge records itself.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    expired = AuditEntry.objects.filter(created_at__lt=cutoff)
    last = expired.order_by("-sequence").values_list("sequence", flat=True).first()
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
                .values_list("sequence", "entry_hash")[:PURGE_BATCH_SIZE]
            )
            if not batch:
                break
            through, through_hash = batch[-1]
            _allow_purge_in_this_transaction()
            deleted = AuditEntry.objects.filter(sequence__lte=through)._raw_delete(
                AuditEntry.objects.db
            )
            AuditCheckpoint.objects.create(
                purged_through_sequence=through, last_purged_hash=through_hash, purged_count=deleted
            )
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


def _allow_purge_in_this_transaction() -> None:
    # On PostgreSQL a trigger refuses UPDATE and DELETE on the table unless this
    # transaction-local switch is on (see migration 0003_append_only_trigger).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL rse.audit_purge = 'on'")


@dataclass
class VerifyResult:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain() -> VerifyResult:
    """Walk the chain from the last checkpoint; report the first broken link."""
    checkpoint = AuditCheckpoint.objects.order_by("-purged_through_sequence").first()
    expected_previous = checkpoint.last_purged_hash if checkpoint else GENESIS_HASH
    expected_sequence = checkpoint.purged_through_sequence + 1 if checkpoint else 1
    checked = 0
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            return VerifyResult(checked, entry.sequence, f"entry #{expected_sequence} is missing")
        if entry.previous_hash != expected_previous:
            return VerifyResult(checked, entry.sequence, "does not follow the entry before it")
        if entry.compute_hash() != entry.entry_hash:
            return VerifyResult(checked, entry.sequence, "content was changed")
        expected_previous = entry.entry_hash
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and checked and head.last_hash != expected_previous:
        return VerifyResult(checked, head.last_sequence, "the latest entries were removed")
    return VerifyResult(checked)


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
