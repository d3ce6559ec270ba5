"""The restore drill (README, "Operations"): a generated company, with uploaded files and
an anchored audit chain, is backed up, restored into another database and proven equal —
row counts per table, sample checksums, files present, `audit_verify` passing. Also the
refusals: a restore over a database that is not empty, a backup on SQLite."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parent.parent

# A generated person posts a picture: the backup has a file to carry.
ATTACH = """
import io
from PIL import Image
from django.core.files.uploadedfile import SimpleUploadedFile
from posts.services import post_create
from profiles.models import User
from communities.models import Membership
member = Membership.objects.filter(status="active", role="member").select_related(
    "user", "community").order_by("pk").first()
buffer = io.BytesIO()
Image.new("RGB", (40, 30), (200, 80, 20)).save(buffer, "PNG")
upload = SimpleUploadedFile("chart.png", buffer.getvalue(), content_type="image/png")
post_create(actor=member.user, community=member.community, body="Q3 chart", uploads=[upload])
"""


def _server() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"


def _admin(sql: str) -> None:
    connection = psycopg2.connect(f"{_server()}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def _counts(url: str) -> dict[str, int]:
    connection = psycopg2.connect(url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted(row[0] for row in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - catalogue names
            counts[table] = cursor.fetchone()[0]
    connection.close()
    return counts


@pytest.fixture
def drill_databases():
    base = settings.DATABASES["default"]["NAME"]
    names = [f"{base}_drill_src", f"{base}_drill_dst"]
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{name}"')
    yield [f"{_server()}/{name}" for name in names]
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.postgres
def test_a_backup_restores_into_a_new_database_equal_to_the_original(tmp_path, drill_databases):
    source, target = drill_databases
    common = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    common.update(
        DJANGO_SETTINGS_MODULE="rse.settings",
        AUDIT_ANCHOR_PATH=str(tmp_path / "anchor"),
        CELERY_TASK_ALWAYS_EAGER="true",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    common.pop("REDIS_URL", None)
    old = {**common, "DATABASE_URL": source, "MEDIA_ROOT": str(tmp_path / "media-old")}
    new = {**common, "DATABASE_URL": target, "MEDIA_ROOT": str(tmp_path / "media-new")}
    timings = {}

    for args in (("migrate", "--no-input", "-v0"), ("generate_company", "--size", "tiny")):
        step = _manage(old, *args)
        assert step.returncode == 0, step.stderr
    assert _manage(old, "shell", "-c", ATTACH).returncode == 0
    assert _manage(old, "audit_anchor").returncode == 0

    started = time.monotonic()
    backup = _manage(old, "backup", "--output", str(tmp_path / "backup"))
    timings["backup_s"] = round(time.monotonic() - started, 1)
    assert backup.returncode == 0, backup.stderr
    assert "Backup written to" in backup.stdout
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert len(manifest["media"]) >= 2  # the picture and its preview
    assert manifest["tables"]["posts_post"]["rows"] > 100

    started = time.monotonic()
    restore = _manage(new, "restore", str(tmp_path / "backup"))
    timings["restore_s"] = round(time.monotonic() - started, 1)
    assert restore.returncode == 0, restore.stderr
    assert "Restored and verified" in restore.stdout

    # Independently of the command's own proof: every table holds as many rows (the audit
    # trail: the original has its backup entry, the restore its restore entry).
    assert _counts(source) == _counts(target)
    for item in manifest["media"]:
        assert (tmp_path / "media-new" / item["path"]).is_file()
    verified = _manage(
        {**new, "AUDIT_ANCHOR_PATH": str(tmp_path / "backup" / "audit_anchor")}, "audit_verify"
    )
    assert verified.returncode == 0, verified.stderr
    assert "Audit chain intact" in verified.stdout
    connection = psycopg2.connect(target)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT action, actor_label FROM audit_auditentry ORDER BY sequence DESC LIMIT 1"
        )
        assert cursor.fetchone() == ("operations.restored", "manage.py restore")
    connection.close()
    print("restore drill timings", timings)

    # Restoring again over the now full database is refused, and changes nothing.
    before = _counts(target)
    again = _manage(new, "restore", str(tmp_path / "backup"))
    assert again.returncode != 0
    assert "is not empty: restore into a new database" in again.stderr
    assert _counts(target) == before


def test_a_backup_on_sqlite_says_how_to_copy_the_file(tmp_path):
    if "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("the refusal concerns the embedded SQLite database")
    with pytest.raises(CommandError, match="Backups need PostgreSQL"):
        call_command("backup", "--output", str(tmp_path / "b"))
    assert not (tmp_path / "b").exists()


def test_a_restore_from_a_directory_that_is_no_backup_is_refused(tmp_path):
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        with pytest.raises(CommandError, match="Backups need PostgreSQL"):
            call_command("restore", str(tmp_path))
        return
    with pytest.raises(CommandError, match="is not a backup"):
        call_command("restore", str(tmp_path))
