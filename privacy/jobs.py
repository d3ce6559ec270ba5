"""The privacy jobs, registered with the lifecycle jobs (Celery beat through
`lifecycle.tasks.run_job`, by hand `manage.py run_job <name> [--dry-run]`):
`content_retention` (privacy.retention) and `data_exports_purge` (here)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from lifecycle.jobs import JobReport, in_batches, register

from . import erasure, retention, services  # noqa: F401 - erasure, retention register jobs
from .models import DataExport

S = DataExport.Status


@register(
    "data_exports_purge",
    "Delete the archives of personal data past PRIVACY_EXPORT_DAYS; give up builds lost "
    "with their worker.",
)
def data_exports_purge(report: JobReport, *, now: datetime, dry_run: bool) -> None:
    def expire(pk: int) -> None:
        if dry_run:
            report.add("archives", f"would delete archive #{pk}")
        elif services.export_expire(export_id=pk, now=now):
            report.add("archives", f"deleted archive #{pk}")

    def give_up(pk: int) -> None:
        if dry_run:
            report.add("lost builds", f"would mark archive #{pk} failed")
        elif services.export_give_up(export_id=pk, now=now):
            report.add("lost builds", f"marked archive #{pk} failed")

    in_batches(
        DataExport.objects.filter(status=S.READY, expires_at__lte=now), expire, dry_run=dry_run
    )
    cutoff = now - 2 * timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    lost = Q(status=S.BUILDING, started_at__lt=cutoff) | Q(
        status=S.PENDING, requested_at__lt=cutoff
    )
    in_batches(DataExport.objects.filter(lost), give_up, dry_run=dry_run)
