from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = (
        "Send the immediate e-mails no worker sent (the outbox sweep that Celery beat runs "
        "every few minutes: tasks not published while Redis was down, or failed for good). "
        "Safe to run twice: each notification is e-mailed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be sent, send nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        count = services.notification_emails_sweep(dry_run=dry_run)
        what = "E-mails that would be sent" if dry_run else "E-mails sent"
        self.stdout.write(self.style.SUCCESS(f"{what}: {count}."))
