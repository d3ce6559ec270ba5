from django.core.management.base import BaseCommand, CommandError

from lifecycle import jobs


class Command(BaseCommand):
    help = "Run one lifecycle job once, as the scheduler does (see README, Background jobs)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", nargs="?", help="The job to run; omit it to list them.")
        parser.add_argument(
            "--dry-run", action="store_true", help="List what the job would do; change nothing."
        )

    def handle(self, *args, name: str | None = None, dry_run: bool = False, **options) -> None:
        if not name:
            for job_name in jobs.job_names():
                self.stdout.write(f"{job_name}: {jobs.JOBS[job_name].description}")
            return
        if name not in jobs.job_names():
            raise CommandError(f"Unknown job {name!r}. Jobs: {', '.join(jobs.job_names())}.")
        report = jobs.run(name, dry_run=dry_run)
        for line in report.lines:
            self.stdout.write(f"- {line}")
        self.stdout.write(report.summary())
