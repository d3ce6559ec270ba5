"""`python -m bench` — build a company, serve it with gunicorn, time the main pages.

python -m bench --size large            # the full-size company (see README)
python -m bench --size tiny --quick     # the CI smoke test
python -m bench --scale small,medium,large
python -m bench soak --minutes 30      # the soak with faults (bench/soak.py, README)
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from .runner import (
    RESULTS,
    Browser,
    PageResult,
    Server,
    commit,
    database_url,
    machine,
    measure,
    postgres_settings,
    prepare_database,
    profile_pages,
    saturation,
    server_env,
    summarize_profiles,
    time_command,
    time_job,
)

FLOOR = "floor: fortunes"
SIGNED_IN_FLOOR = "floor: signed in"
SEARCH_QUERIES = ["sécurité", "cloud données", "Dupont"]


def log(message: str) -> None:
    print(message, flush=True)


def setup_django(name: str) -> None:
    """Django in this process, on database `name` (switched over when --scale moves on
    to the next size: settings are read once per process)."""
    os.environ.update(server_env(name))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rse.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
        return
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name


def _one(queryset):
    """The first row, or stop with a clear message if the dataset lacks it."""
    row = queryset.first()
    if row is None:
        raise SystemExit(f"the generated company has no {queryset.model._meta.verbose_name}")
    return row


def cast_and_targets() -> tuple[dict, dict]:
    """People of different profiles and the pages to open, read from the database."""
    from urllib.parse import urlencode

    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db.models import Count, Q
    from taggit.models import Tag

    from communities.models import Community, Membership
    from posts.models import Post, TaggedPost
    from profiles.models import Follow, Skill, User

    active = Q(community_memberships__status=Membership.Status.ACTIVE)
    employees = User.objects.filter(kind=User.Kind.EMPLOYEE, is_active=True)
    ranked = employees.annotate(n=Count("community_memberships", filter=active)).order_by("n", "pk")
    newcomer = _one(ranked)
    busy = _one(ranked.reverse())
    largest = _one(Community.objects.order_by("-members_count", "pk"))
    manager = _one(
        Membership.objects.filter(community=largest, role="manager", status="active")
    ).user
    external = (
        User.objects.filter(kind=User.Kind.EXTERNAL, community_memberships__status="active")
        .order_by("pk")
        .first()
    )
    moderator = _one(employees.exclude(pk__in=[newcomer.pk, busy.pk, manager.pk]).order_by("pk"))
    moderators, _ = Group.objects.get_or_create(name="Site moderators")
    moderator.groups.add(moderators)
    # Someone of communications, in the observers' group: the network dashboard.
    observer = _one(
        employees.exclude(pk__in=[newcomer.pk, busy.pk, manager.pk, moderator.pk]).order_by("pk")
    )
    observers, _ = Group.objects.get_or_create(name=settings.RSE_OBSERVERS_GROUP)
    observer.groups.add(observers)
    small = (
        Community.objects.filter(memberships__user=busy, memberships__status="active")
        .order_by("members_count", "pk")
        .first()
    )
    # The most used tag, and one of the less used (the 61st: about 0.4% of the posts at
    # `large`), whose newest posts are further apart in time.
    tags_by_use = list(
        TaggedPost.objects.values("tag_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "tag_id")
        .values_list("tag_id", flat=True)[:61]
    )
    if not tags_by_use:
        raise SystemExit("the generated company has no tagged post")
    tag, less_used = Tag.objects.get(pk=tags_by_use[0]), Tag.objects.get(pk=tags_by_use[-1])
    # A post on a profile (every employee reads it) with about 50 comments.
    profile_posts = Post.objects.filter(community__isnull=True, status="published")
    thread = profile_posts.filter(comments_count__gte=40).order_by("comments_count", "pk").first()
    thread = thread or _one(profile_posts.order_by("-comments_count", "pk"))
    skill = _one(Skill.objects.annotate(n=Count("user_skills")).order_by("-n", "pk"))
    link = Follow.objects.filter(followed=busy).select_related("follower").first()
    follower = link.follower if link else newcomer
    if link is None:
        from profiles.services import follow_create

        follow_create(actor=newcomer, user=busy)
    cast = {
        "follower": follower.email,
        "newcomer": newcomer.email,
        "member of many communities": busy.email,
        "manager": manager.email,
        "external": external.email if external else None,
        "site moderator": moderator.email,
        "observer": observer.email,
    }
    targets = {
        "large community": f"/communities/{largest.slug}/",
        "questions of the large community": f"/communities/{largest.slug}/questions/",
        "large community dashboard": f"/observatory/communities/{largest.slug}/?period=year",
        "small community": f"/communities/{small.slug}/" if small else None,
        "tag": f"/tags/{tag.slug}/",
        "less used tag": f"/tags/{less_used.slug}/",
        "skill": "/people/?" + urlencode({"skill": skill.name}),
        "name": "/people/?" + urlencode({"q": manager.last_name}),
        "post with comments": f"/posts/{thread.pk}/",
        "thread_comments": thread.comments_count,
        "pk": newcomer.pk,
        "large_members": largest.members_count,
    }
    return cast, targets


def pages_for(cast: dict, targets: dict) -> list[tuple[str, str, str]]:
    """(page, who, path) to time."""
    from urllib.parse import quote

    pages = [
        ("floor: empty", "newcomer", "/bench/floor/empty/"),
        ("floor: primary key", "newcomer", f"/bench/floor/pk/{targets['pk']}/"),
        (FLOOR, "newcomer", "/bench/floor/fortunes/"),
        # The base template for a signed-in person: every signed-in page's fixed cost.
        (SIGNED_IN_FLOOR, "member of many communities", "/bench/floor/signed-in/"),
    ]
    for who in ("newcomer", "member of many communities", "manager", "external", "follower"):
        if cast.get(who):
            pages.append(("home", who, "/"))
    pages += [
        ("large community", "manager", targets["large community"]),
        (
            "questions of the large community",
            "manager",
            targets["questions of the large community"],
        ),
        ("tag", "member of many communities", targets["tag"]),
        ("less used tag", "member of many communities", targets["less used tag"]),
        ("people by skill", "member of many communities", targets["skill"]),
        ("people by name", "member of many communities", targets["name"]),
        ("post with comments", "member of many communities", targets["post with comments"]),
        ("moderation queue", "site moderator", "/moderation/"),
        # Each notification is checked against the reading rule (notifications_visible_to).
        ("notifications", "member of many communities", "/notifications/"),
        ("network dashboard, 30 days", "observer", "/observatory/"),
        ("network dashboard, year", "observer", "/observatory/?period=year"),
        ("community dashboard, year", "manager", targets["large community dashboard"]),
        # The API (session authentication, as the site's scripts): the same streams.
        ("api: home stream", "member of many communities", "/api/v1/stream/"),
        (
            "api: large community posts",
            "manager",
            "/api/v1" + targets["large community"].removesuffix("/") + "/posts/",
        ),
    ]
    if targets["small community"]:
        pages.append(("small community", "member of many communities", targets["small community"]))
    for query in SEARCH_QUERIES:
        pages.append(
            (f"search: {query}", "member of many communities", f"/search/?q={quote(query)}")
        )
    return pages


def deep_home_path(browser: Browser, depth: int) -> str | None:
    """Follow the stream's "more" link `depth - 1` times; the keyset cursor of page
    `depth`, or None if the stream is shorter."""
    import html
    import re

    path = "/"
    for _ in range(depth - 1):
        _, _, body = browser.get(path)
        match = re.search(rb'href="([^"]*cursor=[^"]*)"', body)
        if not match:
            return None
        path = html.unescape(match.group(1).decode())
    return path


def run(args) -> dict:
    name = args.database or f"bench_{args.size}"
    dataset = prepare_database(name, args.size, args.seed, args.reuse, log)
    setup_django(name)
    from bench.generate import BENCH_PASSWORD

    cast, targets = cast_and_targets()
    env = server_env(name)
    postgres = postgres_settings(name)
    rollups = observatory_rollups(env, args.observatory_days)
    profile_dir = None
    if args.profile:
        import tempfile

        profile_dir = Path(tempfile.mkdtemp(prefix="rse-bench-profile-"))
        env = {**env, "RSE_BENCH_PROFILE_DIR": str(profile_dir)}
    measured = commit()  # the code the server loads now, whatever is committed meanwhile
    server = Server(env, workers=args.workers)
    results: list[PageResult] = []
    try:
        server.wait()
        browsers = {}
        for who, email in cast.items():
            if email:
                browsers[who] = Browser(server.base)
                browsers[who].sign_in(email, BENCH_PASSWORD)
        log(f"signed in: {', '.join(browsers)}")
        pages = pages_for(cast, targets)
        deep = deep_home_path(browsers["member of many communities"], 20)
        if deep:
            pages.insert(4, ("home, page 20", "member of many communities", deep))
        for page, who, path in pages:
            result = measure(browsers[who], page, who, path, args.reps, args.warmup)
            if args.saturation and result.status == 200:
                result.rps = saturation(
                    server.base, browsers[who], path, args.clients, args.saturation
                )
            results.append(result)
            log(
                f"{page:32} {who:28} {result.status} p50 {result.p50_ms:7.1f} "
                f"p95 {result.p95_ms:7.1f} ms  {result.queries:3} queries"
                + ("" if result.check == "ok" else f"  FAILED: {result.check}")
            )
        write = write_path(browsers)
        profiled = profile_pages(browsers, pages, args.profile, log) if args.profile else []
    finally:
        server.stop()
    jobs = []
    if args.jobs:
        for job in ("communities_dormant", "externals"):
            for attempt in ("first run", "second run"):
                jobs.append({**time_job(env, job), "run": attempt})
                log(
                    f"job {job} ({attempt}): {jobs[-1]['seconds']} s, "
                    f"{jobs[-1]['peak_memory_mib']} MiB"
                )
    floor = next(r for r in results if r.page == FLOOR)
    fixed = next(r for r in results if r.page == SIGNED_IN_FLOOR)
    for result in results:
        result.ratio_to_floor = round(result.p95_ms / floor.p95_ms, 2) if floor.p95_ms else None
        if not result.page.startswith("floor"):
            result.own_p95_ms = round(result.p95_ms - fixed.p95_ms, 2)
    profiles: dict = {}
    if profile_dir is not None:
        profiles["text"], profiles["pages"] = summarize_profiles(profile_dir, profiled)
        shutil.rmtree(profile_dir, ignore_errors=True)
    from bench.generate import SIZES

    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": measured,
        "machine": machine(),
        "dataset": {"size": args.size, "seed": args.seed, **asdict(SIZES[args.size]), **dataset},
        "postgres": postgres,
        "failures": [
            {"page": r.page, "who": r.who, "path": r.path, "check": r.check}
            for r in results
            if r.check != "ok"
        ],
        "settings": {
            "reps": args.reps,
            "warmup": args.warmup,
            "clients": args.clients,
            "saturation_seconds": args.saturation,
            "gunicorn_workers": args.workers,
            # What the server shares between its workers, and how it reaches PostgreSQL.
            "cache": "redis" if env.get("REDIS_URL") else "each worker's memory",
            "sessions": "cache, then database"
            if env.get("REDIS_URL") and env.get("RSE_SESSIONS_IN_CACHE", "true") == "true"
            else "database",
            "database_conn_max_age": int(env["DATABASE_CONN_MAX_AGE"]),
            "pgbouncer": env.get("DATABASE_PGBOUNCER") == "true",
        },
        "targets": {k: v for k, v in targets.items() if not isinstance(v, str)},
        "pages": [asdict(r) for r in results],
        "write_path": write,
        "jobs": jobs,
        "observatory_rollups": rollups,
        "profiles": profiles,
    }


def observatory_rollups(env: dict, days: int) -> list[dict]:
    """The observatory's rollup before the pages (their dashboards read it): the last
    `days` days as a backfill, then the nightly rollup of one day, twice (the second run
    rewrites the same rows)."""
    from datetime import timedelta

    from django.utils import timezone

    yesterday = timezone.localdate() - timedelta(days=1)
    first = yesterday - timedelta(days=max(days, 1) - 1)
    runs = []
    backfill = time_command(
        env, "observatory_rollup", "--since", first.isoformat(), "--until", yesterday.isoformat()
    )
    runs.append({"rollup": f"{days} days (backfill)", **backfill})
    for attempt in ("one day", "one day, again"):
        one = time_command(
            env,
            "observatory_rollup",
            "--since",
            yesterday.isoformat(),
            "--until",
            yesterday.isoformat(),
        )
        runs.append({"rollup": attempt, **one})
    for rolled in runs:
        log(
            f"observatory rollup, {rolled['rollup']}: {rolled['seconds']} s, "
            f"{rolled['peak_memory_mib']} MiB"
        )
    return runs


def write_path(browsers: dict, rounds: int = 5) -> dict:
    """Publish a post on one's profile (the real form) and poll a follower's stream
    until it shows there: the time to publish and the delay until it is seen."""
    author, follower = browsers["member of many communities"], browsers["follower"]
    marker = f"bench-{time.time_ns()}"
    publish, seen = [], []
    for index in range(rounds):
        text = f"{marker}-{index}"
        started = time.perf_counter()
        status, _, _ = author.post("/posts/new/", {"body": f"Timing {text}.", "community": ""})
        published = time.perf_counter()
        if status != 302:
            return {"error": f"publishing answered HTTP {status}"}
        deadline = published + 30
        while text.encode() not in follower.get("/")[2]:
            if time.perf_counter() > deadline:
                return {"error": "the post never reached the follower's stream"}
        seen.append((time.perf_counter() - published) * 1000)
        publish.append((published - started) * 1000)
    from posts.models import Post

    Post.objects.filter(body__contains=marker).delete()
    return {
        "rounds": rounds,
        "publish_p50_ms": round(statistics.median(publish), 2),
        "publish_max_ms": round(max(publish), 2),
        "in_follower_stream_p50_ms": round(statistics.median(seen), 2),
        "in_follower_stream_max_ms": round(max(seen), 2),
    }


def table(report: dict) -> str:
    lines = [
        f"RSE benchmark — size {report['dataset']['size']} — commit {report['commit']} — "
        f"{report['machine']['cores']} cores {report['machine']['cpu']}",
        f"{'page':32} {'as':28} {'p50':>7} {'p95':>7} {'p99':>7} {'rps':>7} "
        f"{'SQL':>4} {'db%':>5} {'×floor':>7} {'own p95':>8}",
    ]
    for page in report["pages"]:
        rps = f"{page['rps']:7.1f}" if page["rps"] is not None else "      —"
        ratio = (
            f"{page['ratio_to_floor']:7.2f}" if page["ratio_to_floor"] is not None else "      —"
        )
        own = page.get("own_p95_ms")
        own = f"{own:8.1f}" if own is not None else "       —"
        check = page.get("check", "ok")
        mark = "" if check == "ok" else f"  FAILED: {check}"
        lines.append(
            f"{page['page']:32} {page['who']:28} {page['p50_ms']:7.1f} {page['p95_ms']:7.1f} "
            f"{page['p99_ms']:7.1f} {rps} {page['queries']:4} {page['db_share'] * 100:5.0f} "
            f"{ratio} {own}{mark}"
        )
    pg = report.get("postgres", {}).get("server", {})
    if pg:
        lines.append("PostgreSQL: " + ", ".join(f"{k} {v}" for k, v in pg.items()))
    lines.append(
        "own p95: the page's p95 minus the signed-in floor's (its cost above the fixed cost)"
    )
    return "\n".join(lines)


def scale(args) -> int:
    """The same pages at several sizes: per-page p95 should stay flat."""
    from .plot import line_chart

    sizes = args.scale.split(",")
    reports = []
    for size in sizes:
        args.size, args.database = size, None
        log(f"== size {size}")
        reports.append(run(args))
    names = [p["page"] + " (" + p["who"] + ")" for p in reports[0]["pages"]]
    series: dict[str, list[float | None]] = {}
    lines = [f"{'page':60} " + " ".join(f"{s:>9}" for s in sizes)]
    for name in names:
        row = []
        for report in reports:
            found = [p for p in report["pages"] if p["page"] + " (" + p["who"] + ")" == name]
            row.append(found[0]["p95_ms"] if found and found[0]["status"] == 200 else None)
        series[name] = row
        lines.append(
            f"{name:60} " + " ".join(f"{v:9.1f}" if v is not None else "        —" for v in row)
        )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    base = RESULTS / f"{stamp}-scaling-{reports[-1]['commit']}"
    base.with_suffix(".json").write_text(
        json.dumps({"sizes": sizes, "p95_ms": series, "reports": reports}, indent=2) + "\n"
    )
    pages = {k: v for k, v in series.items() if not k.startswith("floor") and any(v)}
    base.with_suffix(".svg").write_text(line_chart("p95 by dataset size (ms)", sizes, pages))
    print("\n".join(["", "p95 (ms) by dataset size", *lines]))
    print(f"\nwritten: {base.with_suffix('.json').name}, {base.with_suffix('.svg').name}")
    failures = [f for report in reports for f in report["failures"]]
    for failure in failures:
        print(
            f"FAILED: {failure['page']} ({failure['who']}, {failure['path']}): " + failure["check"]
        )
    return 1 if failures else 0


# The private PostgreSQL of `--replica` runs with settings for a server that holds `large`
# (a few GB of tables and indexes; the posts table alone is about 500 MB) with 16 GB of
# memory and SSDs (README, "Capacity": recommended values by server size). Shared memory
# is only used as it fills: a `small` company touches a fraction of it.
PG_SETTINGS = {
    "shared_buffers": "2GB",  # a quarter of memory, capped: the page cache does the rest
    "effective_cache_size": "8GB",  # what the planner may assume cached (shared + OS)
    "work_mem": "16MB",  # per sort or hash: the pages' sorts are of a few thousand rows
    "maintenance_work_mem": "512MB",  # index builds and VACUUM after the bulk load
    "random_page_cost": "1.1",  # SSD: an index read costs little more than a sequential one
    "effective_io_concurrency": "200",
    "max_wal_size": "4GB",  # the generator's COPY without checkpoints every minute
}


def server_reads(url: str, name: str) -> dict:
    """Transactions and rows read by database `name` on a server so far."""
    import psycopg2

    connection = psycopg2.connect(f"{url}/postgres")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT xact_commit, tup_returned, tup_fetched FROM pg_stat_database "
                "WHERE datname = %s",
                [name],
            )
            commits, returned, fetched = cursor.fetchone()
            return {"transactions": commits, "rows_returned": returned, "rows_fetched": fetched}
    finally:
        connection.close()


def replica_run(args) -> dict:
    """The pages on a private primary alone, then with a streaming replica answering the
    reads of read-only requests (core/replica.py): both runs on the same company, the
    same servers and settings. The replica is made with pg_basebackup from the primary."""
    from .stack import PrivatePostgres, pg_port

    primary = PrivatePostgres(pg_port(), PG_SETTINGS).init()
    primary.start()
    replica = None
    os.environ["RSE_BENCH_DATABASE_SERVER"] = primary.url
    os.environ.pop("DATABASE_REPLICA_URL", None)
    # Each person signs in (a POST) just before the pages are timed: with the default
    # 10 s, their first pages would read the primary. Replication here lags by
    # milliseconds.
    os.environ.setdefault("RSE_REPLICA_STICKY_SECONDS", "2")
    name = args.database or f"bench_{args.size}"
    try:
        log(f"private primary on {primary.port}: {primary.root}")
        args.reuse = False
        alone = run(args)
        replica = primary.replica()
        log(f"streaming replica on {replica.port}")
        from .stack import wait_until

        wait_until(lambda: replica.caught_up_with(primary), "replica caught up", 600)
        os.environ["DATABASE_REPLICA_URL"] = f"{replica.url}/{name}"
        before = {
            "primary": server_reads(primary.url, name),
            "replica": server_reads(replica.url, name),
        }
        args.reuse = True
        with_replica = run(args)
        after = {
            "primary": server_reads(primary.url, name),
            "replica": server_reads(replica.url, name),
        }
        served = {
            server: {key: after[server][key] - before[server][key] for key in before[server]}
            for server in before
        }
        return {
            "replica_sticky_seconds": int(os.environ["RSE_REPLICA_STICKY_SECONDS"]),
            "reads_during_replica_run": served,
            "without_replica": alone,
            "with_replica": with_replica,
        }
    finally:
        os.environ.pop("DATABASE_REPLICA_URL", None)
        if replica is not None:
            replica.destroy()
        primary.destroy()


# `--pgbouncer`: how the web workers reach PostgreSQL, each way timed on the same company.
CONNECTION_MODES = {
    "kept": "connections kept by each worker (DATABASE_CONN_MAX_AGE=60, the default)",
    "per_request": "a new server connection per request (DATABASE_CONN_MAX_AGE=0)",
    "per_request_pgbouncer": "a new connection per request, to PgBouncer (transaction mode)",
}


def pgbouncer_run(args) -> dict:
    """The pages three ways (CONNECTION_MODES) on the same company and server: what
    PgBouncer in transaction mode costs or saves against connections kept by the
    workers, and against a server connection opened per request. Its pool holds two
    server connections per core of this machine."""
    from urllib.parse import urlparse

    from .stack import PrivatePgBouncer

    server_port = urlparse(database_url("postgres")).port or 5432
    bouncer = PrivatePgBouncer(server_port, pool_size=2 * (os.cpu_count() or 1))
    runs: dict = {"modes": CONNECTION_MODES, "pool_size": bouncer.pool_size}
    try:
        bouncer.start()
        log(f"private PgBouncer on {bouncer.port}, pool of {bouncer.pool_size}")
        for mode in CONNECTION_MODES:
            os.environ["RSE_BENCH_CONN_MAX_AGE"] = "60" if mode == "kept" else "0"
            if mode.endswith("pgbouncer"):
                os.environ["RSE_BENCH_POOLER"] = bouncer.url
            log(f"connections: {CONNECTION_MODES[mode]}")
            runs[mode] = run(args)
            args.reuse = True
    finally:
        os.environ.pop("RSE_BENCH_POOLER", None)
        os.environ.pop("RSE_BENCH_CONN_MAX_AGE", None)
        bouncer.destroy()
    return runs


def save_runs(kind: str, runs: dict, labels: list[str], args) -> None:
    """Print each labelled run of `--replica` or `--pgbouncer` and keep them in one file."""
    for label in labels:
        print(f"\n{label.replace('_', ' ')}")
        print(table(runs[label]))
        print(f"write path: {runs[label]['write_path']}")
    if args.no_save:
        return
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{stamp}-{args.size}-{kind}-{runs[labels[-1]]['commit']}.json"
    path.write_text(json.dumps(runs, indent=2, ensure_ascii=False) + "\n")
    print(f"written: {path.relative_to(RESULTS.parent.parent)}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["soak"]:  # python -m bench soak: the stack under load, with faults
        from . import soak

        soak.main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", default="large", choices=["tiny", "small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", help="PostgreSQL database name (default bench_<size>)")
    parser.add_argument("--reuse", action="store_true", help="reuse an existing database")
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--saturation", type=float, default=5.0, help="seconds per page, 0: off")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--quick", action="store_true", help="smoke test: few repetitions")
    parser.add_argument("--scale", help="comma-separated sizes, e.g. small,medium,large")
    parser.add_argument("--jobs", action="store_true", help="also time the lifecycle jobs")
    parser.add_argument(
        "--observatory-days",
        type=int,
        default=30,
        help="days the observatory rolls up before the dashboards are timed",
    )
    parser.add_argument("--no-save", action="store_true", help="print only (CI smoke test)")
    parser.add_argument(
        "--replica",
        action="store_true",
        help="private primary and streaming replica: the pages without, then with, reads "
        "on the replica (ports from RSE_PRIVATE_PG_PORTS, or free ones)",
    )
    parser.add_argument(
        "--pgbouncer",
        action="store_true",
        help="the pages with connections kept, opened per request, and opened per "
        "request to a private PgBouncer in transaction mode",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also profile N requests of the home, community, post and search pages "
        "(pyinstrument in the server; the top entries go to bench/results/*-profile.*)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.reps, args.warmup, args.saturation = 5, 1, 0.0
    if args.scale:
        return scale(args)
    if args.replica:
        both = replica_run(args)
        print(f"\nreads during the replica run: {both['reads_during_replica_run']}")
        save_runs("replica", both, ["without_replica", "with_replica"], args)
        return 0
    if args.pgbouncer:
        save_runs("pgbouncer", pgbouncer_run(args), list(CONNECTION_MODES), args)
        return 0
    report = run(args)
    failed = 1 if report["failures"] else 0
    if args.no_save:
        print(table(report))
        print(f"write path: {report['write_path']}")
        if report["profiles"]:
            print(report["profiles"]["text"])
        return failed
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{stamp}-{args.size}-{report['commit']}.json"
    profiles = report.pop("profiles")
    if profiles:
        stem = path.with_suffix("").name + "-profile"
        (RESULTS / f"{stem}.txt").write_text(profiles["text"])
        (RESULTS / f"{stem}.json").write_text(
            json.dumps(profiles["pages"], indent=2, ensure_ascii=False) + "\n"
        )
        report["profiles"] = [f"{stem}.txt", f"{stem}.json"]
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(report))
    print(f"write path: {report['write_path']}")
    for job in report["jobs"]:
        print(f"job {job['job']} ({job['run']}): {job['seconds']} s, {job['peak_memory_mib']} MiB")
    for rolled in report["observatory_rollups"]:
        print(
            f"observatory rollup, {rolled['rollup']}: {rolled['seconds']} s, "
            f"{rolled['peak_memory_mib']} MiB"
        )
    print(f"\nwritten: {path.relative_to(RESULTS.parent.parent)}")
    for failure in report["failures"]:
        print(
            f"FAILED: {failure['page']} ({failure['who']}, {failure['path']}): " + failure["check"]
        )
    return failed


if __name__ == "__main__":
    sys.exit(main())
