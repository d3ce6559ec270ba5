from django.core.management.base import BaseCommand

from consultation import services


class Command(BaseCommand):
    help = (
        "Tell the people consulted that a charter consultation has opened or closes soon "
        "(as the scheduler does every hour)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count who would be told; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        counts = services.notices_send(dry_run=dry_run)
        prefix = "would tell" if dry_run else "told"
        self.stdout.write(
            f"{prefix}: {counts['opened']} of an opened consultation, "
            f"{counts['closing_soon']} of one closing soon"
        )
