"""`manage.py observatory_rollup [--since DAY --until DAY] [--dry-run]`.

Without dates: what the nightly task does (every day not rolled up yet, up to
yesterday). With dates: those days again (a backfill), whether rolled up or not.
"""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from observatory import rollup


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = "Roll up usage into the observatory's aggregate tables."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="first day (YYYY-MM-DD)")
        parser.add_argument("--until", help="last day (YYYY-MM-DD), yesterday by default")
        parser.add_argument("--dry-run", action="store_true", help="compute, write nothing")

    def handle(self, *args, since=None, until=None, dry_run=False, **options):
        today = timezone.localdate()
        if since is None and until is None:
            days = rollup.pending_days(today)
        else:
            last = _day(until) if until else today - timedelta(days=1)
            first = _day(since) if since else last
            if first > last:
                raise CommandError("--since must not be after --until.")
            if last >= today:
                raise CommandError("Only days that are over can be rolled up (before today).")
            days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        for result in rollup.rollup_range(days, dry_run=dry_run):
            resumed = (
                f", resumed after community {result.resumed_after}" if result.resumed_after else ""
            )
            self.stdout.write(
                f"{result.day}: {result.communities} communities"
                f"{' (dry run)' if dry_run else f', {result.batches} batches'}{resumed}"
            )
        if not days:
            self.stdout.write("Nothing to roll up.")
        if not dry_run and since is None and until is None:
            stale = rollup.purge_stale(today)
            if stale:
                self.stdout.write(f"{stale} readings too old to roll up, deleted.")
