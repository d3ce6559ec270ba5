from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = (
        "Send the daily e-mail digest of notifications now (what the Celery beat job "
        "does every morning). Safe to run twice: each notification is e-mailed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would get a digest and how many items, send nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options):
        sent = services.digests_send(dry_run=dry_run)
        for email, count in sent:
            self.stdout.write(f"{email}: {count}")
        what = "Digests that would be sent" if dry_run else "Digests sent"
        self.stdout.write(self.style.SUCCESS(f"{what}: {len(sent)}."))
