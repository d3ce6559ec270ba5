from django.conf import settings
from django.core.management.base import BaseCommand

from audit import integrity


class Command(BaseCommand):
    help = (
        "Append the head of the audit chain, signed with AUDIT_HMAC_KEY, to the anchor "
        "file (AUDIT_ANCHOR_PATH) and to the log (what the hourly job does)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only show the head; write nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        if dry_run:
            head = integrity.chain_head()
            self.stdout.write(f"Would anchor entry #{head[0]} ({head[1]}).")
            return
        anchor = integrity.anchor_head()
        self.stdout.write(
            f"Anchored entry #{anchor.sequence} ({anchor.hash}) in {settings.AUDIT_ANCHOR_PATH}."
        )
