from django.core.management.base import BaseCommand

from events import services


class Command(BaseCommand):
    help = (
        "Remind the attendees of the events starting within a day (what the Celery beat "
        "job does every hour). Safe to run twice: each event is reminded once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the events and how many would be told."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        done = services.event_reminders_send(dry_run=dry_run)
        for event_id, told in done:
            self.stdout.write(f"event {event_id}: {told}")
        what = "Events that would be reminded" if dry_run else "Events reminded"
        self.stdout.write(self.style.SUCCESS(f"{what}: {len(done)}."))
