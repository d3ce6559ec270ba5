import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from posts.models import Comment, Post
from posts.rendering import BODY_HTML_VERSION, texts_rerender

MODELS: dict[str, type[Post] | type[Comment]] = {"posts": Post, "comments": Comment}


class Command(BaseCommand):
    help = (
        "Render again the stored HTML of posts and comments made by another version of "
        "the renderer (or never rendered), in batches, with progress. Pages render such "
        "rows on their next view anyway; this does it ahead, after a renderer change or "
        "a bulk load. Safe to run again and to stop half-way."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", choices=sorted(MODELS), help="Posts or comments only (default: both)."
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Rows a transaction.")
        parser.add_argument(
            "--after", type=int, default=0, help="Start after this id (to resume an --all run)."
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Render every row again, current or not.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the rows to render; change nothing."
        )

    def handle(self, *args, **options) -> None:
        batch_size = options["batch_size"]
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1.")
            raise SystemExit(2)
        names = [options["only"]] if options["only"] else list(MODELS)
        for name in names:
            model = MODELS[name]
            rows: Any = model.objects.filter(pk__gt=options["after"])
            if not options["everything"]:
                rows = rows.exclude(body_html_version=BODY_HTML_VERSION)
            total = rows.count()
            if options["dry_run"] or not total:
                self.stdout.write(f"{name}: {total:,} to render (renderer {BODY_HTML_VERSION}).")
                continue
            self.stdout.write(f"{name}: {total:,} to render (renderer {BODY_HTML_VERSION})…")
            started = time.monotonic()

            def progress(done: int, last: int, name=name, total=total, started=started) -> None:
                rate = done / max(time.monotonic() - started, 1e-6)
                share = 100 * done / total
                self.stdout.write(
                    f"{name}: {done:,} / {total:,} ({share:.1f} %), last id {last}, "
                    f"{rate:,.0f} rows/s"
                )

            done = texts_rerender(
                model=model,
                batch_size=batch_size,
                everything=options["everything"],
                after=options["after"],
                progress=progress,
            )
            self.stdout.write(f"{name}: {done:,} rendered.")
