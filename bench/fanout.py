"""`python -m bench.fanout` — one post's alerts to every member of a large free
community, delivered by a real Celery worker (issue 18).

    REDIS_URL=redis://127.0.0.1:6379/3 python -m bench.fanout --members 20000

Builds (or rebuilds) the PostgreSQL database `--database` with a free community of
`--members` members, starts `celery -A rse worker` on a queue of its own, publishes a
post through `posts.services.post_create` and waits until the fan-out task has written
every alert. Reports the time from the commit to the last batch, the worker's peak
memory (its maximum resident set, read when it exits), the number of batches, and the
queries and time of one batch measured in this process. Every member gets the alert
(the community is set to "every post"): the worst case.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from .runner import PYTHON, RESULTS, ROOT, commit, database_url, machine, manage, server_env


def log(message: str) -> None:
    print(message, flush=True)


def fresh_database(name: str) -> dict:
    import psycopg2

    connection = psycopg2.connect(database_url("postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    env = server_env(name)
    manage(env, "migrate", "--no-input", "-v0")
    return env


def generate(members: int):
    """A free community and its members (rows as the services leave them: active
    memberships, the stored member count)."""
    from django.contrib.auth.hashers import make_password

    from charter.selectors import current_version
    from charter.services import charter_accept
    from communities.models import Community, Membership
    from profiles.models import User

    password = make_password(None)
    author = User.objects.create(
        username="fanout-author",
        email="fanout-author@example.com",
        first_name="Ada",
        last_name="Author",
        password=password,
    )
    version = current_version()
    if version is None:
        raise SystemExit("no charter in force: the migrations publish one")
    charter_accept(user=author, version=version)
    community = Community.objects.create(
        name="Everyone",
        slug="everyone",
        access=Community.Access.FREE,
        visibility=Community.Visibility.VISIBLE,
    )
    chunk = 5000
    for start in range(0, members, chunk):
        people = User.objects.bulk_create(
            User(
                username=f"fanout{n}",
                email=f"fanout{n}@example.com",
                first_name="Member",
                last_name=f"N{n}",
                password=password,
            )
            for n in range(start, min(start + chunk, members))
        )
        Membership.objects.bulk_create(
            Membership(community=community, user=person, status=Membership.Status.ACTIVE)
            for person in people
        )
    Community.objects.filter(pk=community.pk).update(members_count=members)
    community.refresh_from_db()
    return community, author


class Worker:
    def __init__(self, env: dict, queue: str, log_path: Path):
        self.name = f"bench-fanout-{uuid.uuid4().hex[:6]}@localhost"
        self.log_path = log_path
        self.process = subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
            [
                str(Path(PYTHON).with_name("celery")),
                "-A",
                "rse",
                "worker",
                "--pool",
                "solo",
                "--queues",
                queue,
                "--hostname",
                self.name,
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
        )

    def wait(self) -> None:
        from rse.celery import app

        for _ in range(300):
            if self.process.poll() is not None:
                raise SystemExit(f"the worker exited: {self.log_path.read_text()[-2000:]}")
            if app.control.ping(destination=[self.name], timeout=0.5):
                return
        raise SystemExit("the worker did not start")

    def stop(self) -> float:
        """Stop it and return its peak memory in MiB."""
        self.process.send_signal(signal.SIGTERM)
        _, _status, usage = os.wait4(self.process.pid, 0)
        return round(usage.ru_maxrss / 1024, 1)


def one_batch(community, author, batch: int) -> dict:
    """Queries and time of one batch of another post, in this process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from alerts import services
    from notifications.models import Kind
    from posts.models import Post

    post = Post.objects.create(community=community, author=author, body="Measured batch")
    with override_settings(RSE_ALERTS_LARGE_COMMUNITY=10**9):
        services.fanout_batch(post_id=post.pk, kind=Kind.NEW_POST, batch_size=batch)  # starts it
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            written = services.fanout_batch(post_id=post.pk, kind=Kind.NEW_POST, batch_size=batch)
    return {
        "alerts": written,
        "queries": len(queries),
        "seconds": round(time.monotonic() - started, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000, help="RSE_ALERTS_BATCH_SIZE")
    parser.add_argument("--database", default="bench_fanout")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("needs Redis for the worker: set REDIS_URL=redis://…")

    env = fresh_database(args.database)
    env.update(
        CELERY_TASK_ALWAYS_EAGER="false",
        RSE_ALERTS_BATCH_SIZE=str(args.batch),
        RSE_ALERTS_LARGE_COMMUNITY=str(args.members + 1),  # "every post" for everyone
    )
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rse.settings")
    import django

    django.setup()
    from alerts.models import Fanout
    from notifications.models import Notification
    from posts import services as posts
    from rse.celery import app

    started = time.monotonic()
    community, author = generate(args.members)
    log(f"{args.members} members generated in {time.monotonic() - started:.1f} s")

    queue = f"bench-fanout-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    log_path = RESULTS / f"fanout-worker-{queue}.log"
    RESULTS.mkdir(exist_ok=True)
    worker = Worker(env, queue, log_path)
    try:
        worker.wait()
        started = time.monotonic()
        post = posts.post_create(actor=author, community=community, body="To all of you")
        while not Fanout.objects.filter(post=post, finished_at__isnull=False).exists():
            if time.monotonic() - started > 3600:
                raise SystemExit("the fan-out did not finish within an hour")
            time.sleep(0.2)
        seconds = round(time.monotonic() - started, 2)
    finally:
        peak = worker.stop()
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue)
        log_path.unlink(missing_ok=True)
    fanout = Fanout.objects.get(post=post)
    written = Notification.objects.filter(post=post).count()
    batch = one_batch(community, author, args.batch)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": machine(),
        "members": args.members,
        "batch_size": args.batch,
        "alerts_written": written,
        "batches": fanout.batches,
        "seconds_to_deliver_all": seconds,
        "worker_peak_memory_mib": peak,
        "one_batch": batch,
    }
    log(json.dumps(report, indent=2))
    if not args.no_save:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = RESULTS / f"{stamp}-fanout-{args.members}-{report['commit']}.json"
        path.write_text(json.dumps(report, indent=2) + "\n")
        log(f"saved {path.relative_to(ROOT)}")
    return 0 if written == args.members else 1


if __name__ == "__main__":
    sys.exit(main())
