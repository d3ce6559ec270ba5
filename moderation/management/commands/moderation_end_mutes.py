from django.core.management.base import BaseCommand

from moderation import services


class Command(BaseCommand):
    help = "Mark mutes past their end date as ended, with an audit entry (what the job does)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many mutes would be ended."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        count = services.end_expired_mutes(dry_run=dry_run, client="command")
        verb = "Would end" if dry_run else "Ended"
        self.stdout.write(f"{verb} {count} lapsed mutes.")
