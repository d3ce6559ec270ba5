"""Tampering with the audit trail is refused or detected (issue 27, finding 6).

Each case is what someone with write access to the database did against the previous
version, where `audit_verify` still answered "intact". The PostgreSQL cases run in CI
(marker `postgres`); the detection cases run on SQLite too.
"""

import hashlib
import io
import json
import logging
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from audit import services
from audit.models import GENESIS_HASH, AuditCheckpoint, AuditEntry

from .conftest import allow_flush_of_audit_tables

pytestmark = pytest.mark.django_db

# The triggers an owner of the tables can switch off (and an attacker holding that role
# did): they are switched off around each tampering statement, when they exist.
TRIGGERS = {
    "audit_auditentry": ["audit_entry_append_only"],
    "audit_auditchainhead": ["audit_head_forward_only"],
    "audit_auditcheckpoint": ["audit_checkpoint_append_only"],
}


def tamper(sql: str, params: list | None = None) -> None:
    """Run `sql` as the owner of the tables would: past the triggers."""
    with transaction.atomic(), connection.cursor() as cursor:
        switched = []
        if connection.vendor == "postgresql":
            for table, names in TRIGGERS.items():
                for name in names:
                    cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [name])
                    if cursor.fetchone():
                        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
                        switched.append((table, name))
        cursor.execute(sql, params or [])
        for table, name in switched:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {name}")


def verify_fails(match: str) -> None:
    with pytest.raises(CommandError, match=match):
        call_command("audit_verify", stdout=io.StringIO())


@pytest.fixture
def five_entries(employee):
    return [services.record("auth.login", actor=employee, data={"n": n}) for n in range(5)]


# --- TRUNCATE -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("table", "trigger"),
    [
        ("audit_auditentry", "audit_entry_no_truncate"),
        ("audit_auditcheckpoint", "audit_checkpoint_no_truncate"),
        ("audit_auditchainhead", "audit_head_no_truncate"),
    ],
)
def test_postgresql_refuses_truncate(five_entries, table, trigger):
    with connection.cursor() as cursor:
        # Off in the test databases only, for the flush of transactional tests (conftest).
        cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [trigger])
        if cursor.fetchone():
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
        with pytest.raises(DatabaseError, match="cannot be truncated"), transaction.atomic():
            cursor.execute(f"TRUNCATE {table}")

    assert AuditEntry.objects.count() == 5


def test_verify_fails_when_every_entry_is_gone_but_the_head_says_otherwise(five_entries):
    # TRUNCATE by an owner who switched the trigger off (a DELETE on SQLite).
    if connection.vendor == "postgresql":
        tamper("TRUNCATE audit_auditentry")
    else:
        tamper("DELETE FROM audit_auditentry")

    verify_fails(r"#5: the latest entries were removed \(the chain ends at #0\)")


# --- Rollback: the newest entries deleted and the head moved back ----------------------


def roll_back_to(entry: AuditEntry) -> None:
    tamper("DELETE FROM audit_auditentry WHERE sequence > %s", [entry.sequence])
    tamper(
        "UPDATE audit_auditchainhead SET last_sequence = %s, last_hash = %s",
        [entry.sequence, entry.entry_hash],
    )


def test_rollback_of_the_latest_entries_is_caught_by_the_anchor(five_entries):
    call_command("audit_anchor", stdout=io.StringIO())
    call_command("audit_verify", stdout=io.StringIO())

    roll_back_to(five_entries[2])

    verify_fails(r"#5: the chain was rolled back: entry #5 was anchored at .* ends at #3")


def test_rollback_then_new_entries_are_caught_by_the_anchor(five_entries, employee):
    call_command("audit_anchor", stdout=io.StringIO())
    roll_back_to(five_entries[2])

    # The application carries on, writing new entries #4 and #5.
    services.record("auth.logout", actor=employee)
    services.record("auth.logout", actor=employee)

    verify_fails(r"#5: differs from the hash anchored at")


@pytest.mark.postgres
def test_postgresql_lets_the_head_move_forward_only(five_entries):
    with (
        pytest.raises(DatabaseError, match="only moves forward"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_sequence = %s, last_hash = %s",
            [five_entries[2].sequence, five_entries[2].entry_hash],
        )


# --- Recent entries deleted behind a fake purge checkpoint ----------------------------


def test_recent_entries_deleted_behind_a_forged_checkpoint_are_detected(five_entries):
    second = five_entries[1]
    tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [second.sequence])
    AuditCheckpoint.objects.create(
        purged_through_sequence=second.sequence,
        last_purged_hash=second.entry_hash,
        purged_count=2,
    )

    verify_fails(r"#2: the purge checkpoint is not signed with the audit key")


def test_a_signed_checkpoint_that_purged_unexpired_entries_is_detected(five_entries):
    # Even with the key (or a purge run with a wrong clock), a checkpoint claiming the
    # removal of entries younger than AUDIT_RETENTION_DAYS does not pass.
    second = five_entries[1]
    tamper("DELETE FROM audit_auditentry WHERE sequence <= %s", [second.sequence])
    checkpoint = AuditCheckpoint(
        purged_through_sequence=second.sequence,
        last_purged_hash=second.entry_hash,
        last_purged_at=second.created_at,
        purged_count=2,
    )
    checkpoint.mac = checkpoint.expected_mac()
    checkpoint.save()

    verify_fails(r"#2: the purge of .* removed entries younger than AUDIT_RETENTION_DAYS")


@override_settings(AUDIT_RETENTION_DAYS=365)
def test_the_real_purge_leaves_a_checkpoint_that_verifies(employee):
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=400), tick=False):
        services.record("auth.login", actor=employee)
    services.record("auth.login", actor=employee)

    with time_machine.travel(start, tick=False):
        assert services.purge_expired().purged == 1
        checkpoint = AuditCheckpoint.objects.get()
        assert checkpoint.last_purged_at < start - timedelta(days=365)
        call_command("audit_verify", stdout=io.StringIO())


# --- An entry changed and the chain recomputed without the key ------------------------


def plain_sha256(entry: AuditEntry, previous_hash: str) -> str:
    """What anyone can compute from the public code: SHA-256, no key."""
    content = {
        "sequence": entry.sequence,
        "created_at": entry.created_at.isoformat(),
        "action": entry.action,
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "ip_address": entry.ip_address,
        "client": entry.client,
        "user_agent": entry.user_agent,
        "request_id": entry.request_id,
        "data": entry.data,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{previous_hash}|{canonical}".encode()).hexdigest()


def rewrite_from(entries: list[AuditEntry], index: int, *, unkeyed: bool = False) -> None:
    """Change entries[index] and recompute the chain after it, then the head; `unkeyed`
    also marks the rewritten entries as written before the key existed."""
    set_version = ", hash_version = 1" if unkeyed else ""
    previous = entries[index - 1].entry_hash
    for position, entry in enumerate(entries[index:]):
        if position == 0:
            entry.data = {"n": "rewritten"}
        entry_hash = plain_sha256(entry, previous)
        tamper(
            "UPDATE audit_auditentry SET data = %s, previous_hash = %s, entry_hash = %s"  # noqa: S608
            f"{set_version} WHERE sequence = %s",
            [json.dumps(entry.data), previous, entry_hash, entry.sequence],
        )
        previous = entry_hash
    tamper(
        "UPDATE audit_auditchainhead SET last_hash = %s WHERE last_sequence = %s",
        [previous, entries[-1].sequence],
    )


def test_an_entry_changed_and_the_chain_recomputed_without_the_key_is_detected(five_entries):
    rewrite_from(five_entries, 2)

    verify_fails(r"#3: content was changed")


def test_a_rewritten_chain_passed_off_as_unkeyed_entries_is_detected(five_entries):
    rewrite_from(five_entries, 2, unkeyed=True)

    verify_fails(r"#3: is not hashed with the audit key")


def test_the_start_of_the_keyed_chain_cannot_be_moved_without_the_key(five_entries):
    rewrite_from(five_entries, 2, unkeyed=True)
    tamper("UPDATE audit_auditchainhead SET keyed_from_sequence = 6")

    verify_fails(r"the start of the keyed chain was moved")


def test_a_chain_from_before_the_key_still_verifies_and_is_then_keyed(employee):
    # Entries #1 and #2 as the previous version wrote them (plain SHA-256), the head
    # marking the keyed chain from #3 on, as migration 0003 does.
    from audit import chain

    old = [services.record("auth.login", actor=employee, data={"n": n}) for n in range(2)]
    previous = GENESIS_HASH
    for entry in old:
        entry_hash = plain_sha256(entry, previous)
        tamper(
            "UPDATE audit_auditentry SET previous_hash = %s, entry_hash = %s, hash_version = 1"
            " WHERE sequence = %s",
            [previous, entry_hash, entry.sequence],
        )
        previous = entry_hash
    tamper(
        "UPDATE audit_auditchainhead SET last_hash = %s, keyed_from_sequence = 3, "
        "keyed_from_mac = %s",
        [previous, chain.keyed_from_mac(3)],
    )

    new = services.record("auth.logout", actor=employee)

    assert new.sequence == 3 and new.hash_version == chain.KEYED
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact: 3 entries" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_migrating_an_existing_chain_keeps_it_verifiable_and_keys_what_follows():
    from django.db.migrations.executor import MigrationExecutor

    from audit import chain

    def migrate(target: str):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("audit", target)])
        return executor.loader.project_state([("audit", target)]).apps

    try:
        old_apps = migrate("0002_append_only_trigger")
        entry_model = old_apps.get_model("audit", "AuditEntry")
        previous = GENESIS_HASH
        for n in range(3):  # what the previous version wrote: plain SHA-256
            entry = entry_model(
                sequence=n + 1,
                created_at=timezone.now(),
                action="auth.login",
                actor_label="someone",
                client="web",
                data={"n": n},
                previous_hash=previous,
            )
            entry.entry_hash = plain_sha256(entry, previous)
            entry.save()
            previous = entry.entry_hash
        old_apps.get_model("audit", "AuditChainHead").objects.update_or_create(
            pk=1, defaults={"last_sequence": 3, "last_hash": previous}
        )

        migrate("0004_tamper_resistant_triggers")

        assert services.verify_chain().ok
        new = services.record("auth.logout", actor_label="someone")
        assert (new.sequence, new.hash_version) == (4, chain.KEYED)
        assert set(AuditEntry.objects.values_list("hash_version", flat=True)) == {1, 2}
        out = io.StringIO()
        call_command("audit_verify", stdout=out)
        assert "intact: 4 entries" in out.getvalue()
        rewrite_from(list(AuditEntry.objects.order_by("sequence")), 1, unkeyed=True)
        verify_fails(r"#4: is not hashed with the audit key")
    finally:
        call_command("migrate", "audit", verbosity=0)
        allow_flush_of_audit_tables()


def test_the_chain_is_keyed_with_the_audit_key(five_entries):
    call_command("audit_verify", stdout=io.StringIO())

    with override_settings(AUDIT_HMAC_KEY="another-key-than-the-one-that-wrote-it"):
        verify_fails(r"AUDIT_HMAC_KEY is not the key that wrote the chain")


# --- The purge path -------------------------------------------------------------------


@pytest.mark.postgres
def test_setting_the_old_purge_switch_no_longer_opens_deletion(five_entries):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL rse.audit_purge = 'on'")
        cursor.execute("DELETE FROM audit_auditentry")

    assert AuditEntry.objects.count() == 5


APP_ROLE = "h_sec_audit_app"  # a role of the application that does not own the tables


@pytest.fixture
def as_app_role(db):
    """Switch this test's transaction to a role with the application's rights on the
    audit tables (and even DELETE), but which does not own them. Rolled back after."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")  # in the test's transaction
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
        cursor.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON audit_auditentry, audit_auditchainhead,"
            f" audit_auditcheckpoint TO {APP_ROLE}"
        )
        cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
        cursor.execute(
            "GRANT EXECUTE ON FUNCTION audit_purge_through(bigint, timestamptz) TO " + APP_ROLE
        )
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
    yield cursor
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.postgres
@override_settings(AUDIT_RETENTION_DAYS=365)
def test_the_application_role_purges_through_the_function_only(employee, as_app_role):
    with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
        old = services.record("auth.login", actor=employee)
    services.record("auth.login", actor=employee)

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == APP_ROLE
        for statement, message in [
            ("DELETE FROM audit_auditentry", "append-only"),
            ("INSERT INTO audit_purge_permit VALUES (txid_current())", "permission denied"),
        ]:
            with pytest.raises(DatabaseError, match=message), transaction.atomic():
                cursor.execute("SET LOCAL rse.audit_purge = 'on'")
                cursor.execute(statement)
        with pytest.raises(DatabaseError, match="not all older"), transaction.atomic():
            cursor.execute(
                "SELECT audit_purge_through(%s, %s)",
                [old.sequence + 1, timezone.now() - timedelta(days=365)],
            )

    assert services.purge_expired().purged == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert services.verify_chain().ok


# --- Anchors --------------------------------------------------------------------------


def test_the_anchor_is_a_signed_line_in_the_file_and_the_log(five_entries, settings, caplog):
    with caplog.at_level(logging.INFO, logger="audit.anchor"):
        call_command("audit_anchor", stdout=io.StringIO())
        call_command("audit_anchor", stdout=io.StringIO())

    lines = settings.AUDIT_ANCHOR_PATH.read_text().splitlines()
    assert len(lines) == 2
    anchor = json.loads(lines[0])
    assert anchor["sequence"] == 5 and anchor["hash"] == five_entries[-1].entry_hash
    assert len(anchor["mac"]) == 64
    assert lines[0] in caplog.text
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact: 5 entries, 2 anchors" in out.getvalue()


def test_a_forged_anchor_line_is_refused(five_entries, settings):
    call_command("audit_anchor", stdout=io.StringIO())
    anchor = json.loads(settings.AUDIT_ANCHOR_PATH.read_text())
    anchor["sequence"] = 3
    settings.AUDIT_ANCHOR_PATH.write_text(json.dumps(anchor) + "\n")

    verify_fails(r"line 1 of the anchor file is not signed with the audit key")


def test_without_an_anchor_verify_says_rollback_is_not_checked(five_entries):
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "no anchor yet" in out.getvalue()


def test_the_anchor_dry_run_writes_nothing(five_entries, settings):
    out = io.StringIO()
    call_command("audit_anchor", "--dry-run", stdout=out)

    assert "Would anchor entry #5" in out.getvalue()
    assert not settings.AUDIT_ANCHOR_PATH.exists()


def test_the_anchor_runs_hourly_through_celery(five_entries, settings):
    from audit.tasks import anchor_head

    entry = settings.CELERY_BEAT_SCHEDULE["audit-anchor-head"]
    assert entry["task"] == "audit.tasks.anchor_head"
    assert anchor_head.apply().get() == 5
    assert settings.AUDIT_ANCHOR_PATH.exists()
