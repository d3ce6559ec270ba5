from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rse import backups


class Command(BaseCommand):
    help = (
        "Restore a backup (manage.py backup) into the empty database DATABASE_URL names and "
        "its files into MEDIA_ROOT, then prove it equal: row counts per table, sample "
        "checksums, files and their checksums, the audit chain. Audited "
        "(operations.restored). README: 'Operations'."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup directory")
        parser.add_argument("--media-root", help="Where to put the files (default: MEDIA_ROOT)")

    def handle(self, *args, **options) -> None:
        media_root = Path(options["media_root"]) if options["media_root"] else None
        try:
            report = backups.restore(source=Path(options["source"]), media_root=media_root)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified: {report.tables} tables, {report.rows} rows, "
                f"{report.media_files} files, audit chain of {report.audit_entries} entries "
                "intact."
            )
        )
        self.stdout.write(
            "If the site's anchor file (AUDIT_ANCHOR_PATH) holds heads written after this "
            "backup, keep it as evidence and continue from the backup's copy (audit_anchor): "
            "audit_verify reports the rollback otherwise."
        )
