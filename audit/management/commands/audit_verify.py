from django.core.management.base import BaseCommand, CommandError

from audit import services


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options) -> None:
        result = services.verify_chain()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at entry #{result.broken_at}: {result.reason} "
                f"({result.checked} entries verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} entries."))
