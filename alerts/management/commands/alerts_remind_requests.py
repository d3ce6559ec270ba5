from django.core.management.base import BaseCommand

from alerts import reminders


class Command(BaseCommand):
    help = "Remind managers of the join requests that expire soon (once per request)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count them, send nothing.")

    def handle(self, *args, dry_run=False, **options):
        count = reminders.requests_remind(dry_run=dry_run)
        verb = "would remind" if dry_run else "reminded"
        self.stdout.write(f"{verb} the managers of {count} join requests")
