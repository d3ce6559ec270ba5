from django.conf import settings
from django.core.management.base import BaseCommand

from audit import services


class Command(BaseCommand):
    help = "Remove audit entries older than AUDIT_RETENTION_DAYS (what the daily job does)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many entries would be removed."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        result = services.purge_expired(dry_run=dry_run, client="command")
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(
            f"{verb} {result.purged} entries older than {result.cutoff:%Y-%m-%d} "
            f"(retention: {settings.AUDIT_RETENTION_DAYS} days)."
        )
