from django.core.management.base import BaseCommand

from posts.services import attachment_previews_backfill


class Command(BaseCommand):
    help = (
        "Make the missing previews of attached images (stored before previews existed); "
        "safe to run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be made; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        counts = attachment_previews_backfill(dry_run=dry_run)
        self.stdout.write(
            f"Previews made: {counts['made']}, images refused: {counts['refused']}"
            + (" (dry run)" if dry_run else "")
            + "."
        )
