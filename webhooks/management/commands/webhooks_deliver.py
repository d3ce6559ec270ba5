from django.core.management.base import BaseCommand
from django.utils import timezone

from webhooks import services
from webhooks.models import Delivery


class Command(BaseCommand):
    help = (
        "Attempt the webhook deliveries whose time has come (retries, and those whose task "
        "was lost with the broker); with --purge, also delete the log past its retention."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count them, send nothing.")
        parser.add_argument("--purge", action="store_true", help="Also purge the old log.")

    def handle(self, *args, dry_run=False, purge=False, **options):
        if dry_run:
            due = Delivery.objects.filter(
                status__in=[Delivery.Status.PENDING, Delivery.Status.RETRYING],
                next_attempt_at__lte=timezone.now(),
            ).count()
            self.stdout.write(f"would attempt {due} webhook deliveries")
            return
        self.stdout.write(f"attempted {services.deliveries_due()} webhook deliveries")
        if purge:
            self.stdout.write(f"purged {services.deliveries_purge()} log rows")
