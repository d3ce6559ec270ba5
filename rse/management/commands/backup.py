from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rse import backups


class Command(BaseCommand):
    help = (
        "Take a consistent backup: pg_dump of the database in one snapshot, a copy of the "
        "uploaded files, and a manifest (row counts, sample checksums, file checksums). "
        "Audited (operations.backup_taken). README: 'Operations'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="New directory to write (default: backups/<UTC date and time>)",
        )

    def handle(self, *args, **options) -> None:
        output = Path(options["output"] or f"backups/{timezone.now().strftime('%Y%m%d-%H%M%S')}")
        try:
            manifest = backups.backup_take(output=output)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {output}: {len(manifest['tables'])} tables, {rows} rows, "
                f"{len(manifest['media'])} files, dump of {manifest['dump_bytes']} bytes."
            )
        )
