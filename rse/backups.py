"""Backups and restores of a PostgreSQL site: the database and the uploaded files.

A backup is a directory:

- `database.dump`: `pg_dump --format=custom`, taken in an exported snapshot;
- `media/`: a copy of every file under MEDIA_ROOT;
- `audit_anchor`: a copy of the audit chain's anchor file (AUDIT_ANCHOR_PATH), if any;
- `manifest.json`: when, from which server, the row count of every table and checksums
  of a sample of rows of every table — all read in the very snapshot pg_dump dumps, so
  they describe exactly what the dump holds — and every media file's size and SHA-256.

A restore loads the dump into an empty database (the one DATABASE_URL names), copies the
files back into MEDIA_ROOT, and proves the result equal to the manifest: row counts per
table, sample checksums, files present with their checksum and every file the rows point
to, and the audit chain verifying (against the anchor copy of the backup). Both are
audited (`operations.backup_taken`, `operations.restored`).

For large sites (hundreds of GB), use PostgreSQL's base backups with WAL archiving
(point-in-time recovery) for the database and keep this command for the manifest and the
media: see README, "Operations: backups, restore, health, capacity".
"""

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from audit import integrity
from audit import services as audit

FORMAT = 1
SAMPLE_ROWS = 200  # rows checksummed at each end of every table (by primary key)


class BackupError(Exception):
    """A backup or a restore that cannot be done, or a restore that is not equal."""


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    if "postgresql" not in db["ENGINE"]:
        raise BackupError(
            "Backups need PostgreSQL (DATABASE_URL=postgres://…). For the embedded SQLite "
            "database, copy it with: sqlite3 db.sqlite3 '.backup backup.sqlite3'."
        )
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return env, [*args, "-d", str(db["NAME"])]


def _tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _primary_keys() -> dict[str, str]:
    """Table → primary-key column, for every model's table (auto-created ones too)."""
    keys = {}
    for model in apps.get_models(include_auto_created=True):
        keys[model._meta.db_table] = model._meta.pk.column
    return keys


def table_fingerprints(cursor) -> dict[str, dict]:
    """Every table's row count, and for the models' tables an MD5 of the first and the
    last SAMPLE_ROWS rows by primary key (each row as PostgreSQL prints it)."""
    keys = _primary_keys()
    result = {}
    for table in _tables(cursor):
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608 - catalogue names
        info: dict = {"rows": cursor.fetchone()[0]}
        if table in keys:
            pk = connection.ops.quote_name(keys[table])
            sample = []
            for direction in ("ASC", "DESC"):
                cursor.execute(
                    f"SELECT coalesce(string_agg(md5(t::text), '' ORDER BY t.{pk}), '') "  # noqa: S608
                    f"FROM (SELECT * FROM {quoted} ORDER BY {pk} {direction} LIMIT %s) t",
                    [SAMPLE_ROWS],
                )
                sample.append(cursor.fetchone()[0])
            info["sample_md5"] = hashlib.md5("".join(sample).encode()).hexdigest()  # noqa: S324
        result[table] = info
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_manifest(root: Path) -> list[dict]:
    if not root.exists():
        return []
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        files.append(
            {"path": path.relative_to(root).as_posix(), "size": path.stat().st_size,
             "sha256": _sha256(path)}
        )  # fmt: skip
    return files


def backup_take(*, output: Path, actor_label: str = "manage.py backup") -> dict:
    """Write a backup into the new directory `output`; return its manifest."""
    env, args = _pg_env_and_args()
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty: give a new directory.")
    output.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    # One snapshot for the dump and the fingerprints: the manifest describes the dump.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        # The PostgreSQL client programs, from PATH (arguments from settings only).
        dump = subprocess.run(  # noqa: S603
            ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges",  # noqa: S607
             f"--snapshot={snapshot}", "--file", str(output / "database.dump")],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if dump.returncode != 0:
            raise BackupError(f"pg_dump failed: {dump.stderr.strip()}")
        tables = table_fingerprints(cursor)
    media_root = Path(settings.MEDIA_ROOT)
    files = media_manifest(media_root)
    for item in files:
        target = output / "media" / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(media_root / item["path"], target)
    anchor = Path(settings.AUDIT_ANCHOR_PATH)
    if anchor.exists():
        shutil.copy2(anchor, output / "audit_anchor")
    manifest = {
        "format": FORMAT,
        "started_at": started.isoformat(),
        "finished_at": timezone.now().isoformat(),
        "database": {"name": settings.DATABASES["default"]["NAME"], "server": server_version},
        "dump_bytes": (output / "database.dump").stat().st_size,
        "tables": tables,
        "media": files,
        "audit_anchor": anchor.exists(),
    }
    (output / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    audit.record(
        "operations.backup_taken",
        actor_label=actor_label,
        data={
            "directory": str(output),
            "tables": len(tables),
            "rows": sum(t["rows"] for t in tables.values()),
            "media_files": len(files),
            "dump_bytes": manifest["dump_bytes"],
        },
    )
    return manifest


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    media_files: int = 0
    audit_entries: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.differences


def _referenced_files() -> list[str]:
    """Every file name that a row points to (photos, attachments, previews)."""
    names = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if isinstance(f, models.FileField):
                values = model._default_manager.exclude(**{f.name: ""}).values_list(
                    f.name, flat=True
                )
                names += [v for v in values.iterator() if v]
    return names


def restore_compare(source: Path, manifest: dict, media_root: Path) -> RestoreReport:
    """What differs between the restored site and the manifest (nothing, if equal)."""
    report = RestoreReport()
    with connection.cursor() as cursor:
        restored = table_fingerprints(cursor)
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(restored)):
        want, got = expected.get(table), restored.get(table)
        if want is None or got is None:
            report.differences.append(f"table {table}: {'missing' if got is None else 'extra'}")
        elif want != got:
            report.differences.append(f"table {table}: expected {want}, restored {got}")
    report.tables = len(restored)
    report.rows = sum(t["rows"] for t in restored.values())
    for item in manifest["media"]:
        path = media_root / item["path"]
        if not path.is_file():
            report.differences.append(f"media {item['path']}: missing")
        elif _sha256(path) != item["sha256"]:
            report.differences.append(f"media {item['path']}: checksum differs")
    report.media_files = len(manifest["media"])
    for name in _referenced_files():
        if not (media_root / name).is_file():
            report.differences.append(f"media {name}: a row points to it, the file is absent")
    anchor = source / "audit_anchor"
    result = integrity.verify_chain(anchor_path=anchor if anchor.exists() else Path(os.devnull))
    report.audit_entries = result.checked
    if not result.ok:
        report.differences.append(f"audit chain broken at #{result.broken_at}: {result.reason}")
    return report


def restore(
    *, source: Path, media_root: Path | None = None, actor_label: str = "manage.py restore"
) -> RestoreReport:
    """Load the backup `source` into the empty database of DATABASE_URL and its files
    into `media_root` (MEDIA_ROOT), then prove the result equal to the manifest."""
    env, args = _pg_env_and_args()
    manifest_path = source / "manifest.json"
    if not manifest_path.is_file() or not (source / "database.dump").is_file():
        raise BackupError(f"{source} is not a backup (manifest.json and database.dump needed).")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    with connection.cursor() as cursor:
        if _tables(cursor):
            raise BackupError(
                f"The database {settings.DATABASES['default']['NAME']} is not empty: restore "
                "into a new database (createdb), never over a live one."
            )
    connection.close()
    loaded = subprocess.run(  # noqa: S603
        ["pg_restore", *args, "--no-owner", "--no-privileges", "--exit-on-error",  # noqa: S607
         "--single-transaction", str(source / "database.dump")],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if loaded.returncode != 0:
        raise BackupError(f"pg_restore failed: {loaded.stderr.strip()}")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    for item in manifest["media"]:
        target = media_root / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / "media" / item["path"], target)
    report = restore_compare(source, manifest, media_root)
    if not report.equal:
        raise BackupError(
            "The restore differs from the backup:\n  " + "\n  ".join(report.differences[:50])
        )
    audit.record(
        "operations.restored",
        actor_label=actor_label,
        data={
            "from": str(source),
            "backup_taken_at": manifest["started_at"],
            "tables": report.tables,
            "rows": report.rows,
            "media_files": report.media_files,
        },
    )
    return report
