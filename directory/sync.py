"""What the LDAP sync and the CSV import share: the report of a run, applying one
person through the services, and the record of the run."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from profiles.models import User

from . import services
from .models import SyncRun

MAX_CHANGES_KEPT = 1000


@dataclass
class SyncReport:
    dry_run: bool
    created: int = 0
    updated: int = 0
    closed: int = 0
    reactivated: int = 0
    groups_changed: int = 0
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    high_water_mark: str = ""

    def add(self, line: str) -> None:
        if len(self.changes) < MAX_CHANGES_KEPT:
            self.changes.append(line)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.closed + self.reactivated + self.groups_changed


def apply_person(origin, report: SyncReport, record, user, dry_run: bool, count=True):
    if user is None:
        by_name = User.objects.filter(
            username__iexact=record.username, directory_entry__isnull=True
        ).first()
        line = f"create {record.username}" + (" (existing account)" if by_name else "")
        if dry_run:
            record.clean()
            created = None
        else:
            with transaction.atomic():
                created = services.person_create(origin=origin, record=record)
        if count:
            report.created += 1
            report.add(line)
        return created
    changes = services.person_diff(user, record)
    if not changes:
        return user
    if count:
        if "is_active" in changes:
            if record.active:
                report.reactivated += 1
            else:
                report.closed += 1
        if set(changes) - {"is_active"}:
            report.updated += 1
        report.add(f"update {user.username}: {', '.join(sorted(changes))}")
    if not dry_run:
        with transaction.atomic():
            services.person_update(origin=origin, user=user, record=record)
    return user


def save_run(
    report: SyncReport, *, source: str, started: datetime, origin: services.Origin, mark=""
) -> SyncRun:
    with transaction.atomic():
        run = SyncRun.objects.create(
            source=source,
            started_at=started,
            finished_at=timezone.now(),
            created=report.created,
            updated=report.updated,
            closed=report.closed,
            reactivated=report.reactivated,
            groups_changed=report.groups_changed,
            errors=report.errors,
            changes=report.changes,
            high_water_mark=report.high_water_mark or mark,
        )
        origin.record(
            "directory.sync_run",
            target=run,
            data={
                "source": source,
                "created": report.created,
                "updated": report.updated,
                "closed": report.closed,
                "reactivated": report.reactivated,
                "groups_changed": report.groups_changed,
                "errors": len(report.errors),
                "incremental": bool(mark),
            },
        )
    return run
