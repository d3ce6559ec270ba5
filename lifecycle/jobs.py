"""The registry of lifecycle jobs, and the batching every job goes through.

A job is a function `(report, *, now, dry_run)` registered under a name. The Celery
task `lifecycle.tasks.run_job` and the command `manage.py run_job <name> [--dry-run]`
both run it through `run()`. Each job works in batches of RSE_JOB_BATCH_SIZE rows,
each batch one transaction holding the state changes, their audit entries and their
notifications together: a job killed half-way leaves whole batches done and nothing
half-done, and running it again carries on (every change is a conditional update,
every notice a unique row, so nothing happens twice).
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from audit import services as audit

from .models import Reminder


@dataclass
class JobReport:
    """What a run did (or, in a dry run, would do): one line per action, and counts."""

    name: str
    dry_run: bool
    now: datetime
    lines: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def add(self, what: str, line: str) -> None:
        self.counts[what] += 1
        self.lines.append(line)

    def summary(self) -> str:
        done = ", ".join(f"{k}: {v}" for k, v in sorted(self.counts.items())) or "nothing to do"
        return f"{self.name}{' (dry run)' if self.dry_run else ''}: {done}"


JobFunction = Callable[..., None]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    description: str


JOBS: dict[str, Job] = {}


def register(name: str, description: str) -> Callable[[JobFunction], JobFunction]:
    def decorator(function: JobFunction) -> JobFunction:
        JOBS[name] = Job(name=name, function=function, description=description)
        return function

    return decorator


def run(name: str, *, dry_run: bool = False, now: datetime | None = None) -> JobReport:
    """Run the job `name` once. Raises KeyError for an unknown name."""
    _load_jobs()
    job = JOBS[name]
    report = JobReport(name=name, dry_run=dry_run, now=now or timezone.now())
    job.function(report, now=report.now, dry_run=dry_run)
    return report


def _load_jobs() -> None:
    # The modules register their jobs when imported.
    from . import communities, externals, retention  # noqa: F401


def job_names() -> list[str]:
    _load_jobs()
    return sorted(JOBS)


# Batches -----------------------------------------------------------------------------


def in_batches(queryset: models.QuerySet, handle: Callable[[int], None], *, dry_run: bool) -> None:
    """Call `handle(pk)` for every row of `queryset`, in batches of RSE_JOB_BATCH_SIZE by
    ascending primary key, each batch in its own transaction (none in a dry run)."""
    size = settings.RSE_JOB_BATCH_SIZE
    last = 0
    while True:
        pks = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not pks:
            return
        if dry_run:
            for pk in pks:
                handle(pk)
        else:
            with transaction.atomic():
                for pk in pks:
                    handle(pk)
                _after_batch()
        last = pks[-1]


def _after_batch() -> None:
    """A per-batch hook, called inside each batch's transaction just before it commits.

    RSE_JOB_BATCH_HOOK names a callable (dotted path); it is unset in production. The
    tests use it to stop a real worker in the middle of a batch (see README).
    """
    if settings.RSE_JOB_BATCH_HOOK:
        import_string(settings.RSE_JOB_BATCH_HOOK)()


# Once-only notices and the job's audit entries ----------------------------------------


@dataclass(frozen=True)
class ReminderKey:
    """Which notice: about what (`topic`, `object_id`), for which period, which step."""

    topic: str
    object_id: int
    cycle: str
    step: str


def claim_reminder(key: ReminderKey) -> bool:
    """Reserve the right to send one notice. False when it was already sent (by an
    earlier run or by a concurrent worker, which then holds the row)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(**asdict(key))
    except IntegrityError:
        return False
    return True


def reminder_sent(key: ReminderKey) -> bool:
    return Reminder.objects.filter(**asdict(key)).exists()


def record(job: str, action: str, *, target=None, data: dict | None = None) -> None:
    """Audit an action of a job: the job is the actor."""
    audit.record(action, target=target, data=data, actor_label=f"job:{job}", client="job")
