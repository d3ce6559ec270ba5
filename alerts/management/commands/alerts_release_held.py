from django.core.management.base import BaseCommand
from django.utils import timezone

from alerts import quiet
from alerts.models import HeldDelivery


class Command(BaseCommand):
    help = "Send the e-mails and pushes held outside working hours whose time has come."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count them, send nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = HeldDelivery.objects.filter(
                released_at__isnull=True, release_at__lte=timezone.now()
            ).count()
            self.stdout.write(f"would send {due} held deliveries")
            return
        self.stdout.write(f"sent {quiet.held_release()} held deliveries")
