from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.ldap import ldap_sync


class Command(BaseCommand):
    help = (
        "Read people and groups from LDAP / Active Directory (LDAP_URL…) and apply them: "
        "creations, changes, leavers closed, group members. Incremental after the first run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would change; change nothing."
        )
        parser.add_argument(
            "--full", action="store_true", help="Read every person, not only those changed."
        )

    def handle(self, *args, dry_run: bool = False, full: bool = False, **options):
        if not settings.LDAP_URL:
            raise CommandError("Set LDAP_URL (and LDAP_BIND_DN, LDAP_USER_BASE…) first.")
        report = ldap_sync(dry_run=dry_run, full=full, audit_client="command")
        for line in report.changes:
            self.stdout.write(("would " if dry_run else "") + line)
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        self.stdout.write(
            f"{'Dry run: ' if dry_run else ''}{report.created} created, {report.updated} "
            f"updated, {report.closed} closed, {report.reactivated} reactivated, "
            f"{report.groups_changed} groups changed, {len(report.errors)} errors."
        )
