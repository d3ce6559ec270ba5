from django.core.management.base import BaseCommand, CommandError

from audit import integrity


class Command(BaseCommand):
    help = (
        "Walk the audit trail's keyed hash chain, its purge checkpoints and the anchors "
        "written outside the database (AUDIT_ANCHOR_PATH); report the first broken link."
    )

    def handle(self, *args, **options) -> None:
        result = integrity.verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at entry #{result.broken_at}: {result.reason} "
                f"({result.checked} entries verified before it)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {result.checked} entries, {result.anchors} anchors."
            )
        )
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"Note: {note}."))
