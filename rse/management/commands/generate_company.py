"""Fill the database with a generated company for the benchmark (see bench/)."""

from django.core.management.base import BaseCommand, CommandError

from bench.generate import SIZES, generate
from profiles.models import User


class Command(BaseCommand):
    help = "Generate a believable, reproducible company (people, communities, posts…)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="tiny")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--allow-existing",
            action="store_true",
            help="Add to a database that already holds people (default: refuse).",
        )

    def handle(self, *args, size: str, seed: int, allow_existing: bool, **options):
        if User.objects.exists() and not allow_existing:
            raise CommandError(
                "The database already holds people: use a fresh database "
                "(or --allow-existing to add a company beside them)."
            )
        counts = generate(size, seed, progress=self.stdout.write)
        for name, count in counts.items():
            self.stdout.write(f"{name:>20}: {count:,}")
