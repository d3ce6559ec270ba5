"""The benchmark runner: builds (or reuses) a generated company in PostgreSQL, serves
the app with gunicorn on 127.0.0.1, signs in through the real sign-in page as a few
kinds of people, and times the pages people open every day against the floors.

Everything goes over HTTP through the same access rules as a user; the app only adds
(in benchmark mode) three floor views and response headers with its SQL figures.
"""

import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
# A page slower than this is reported as timed out; the server's statements stop too.
TIMEOUT_SECONDS = 10


# Database and server ---------------------------------------------------------------


def database_url(name: str) -> str:
    base = os.environ.get("RSE_BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    return f"{base}/{name}"


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def server_env(name: str) -> dict:
    env = dict(os.environ)
    # `--pgbouncer`: the server's connections go through the pooler (bench.stack).
    pooler = os.environ.get("RSE_BENCH_POOLER")
    env.update(
        DATABASE_URL=f"{pooler}/{name}" if pooler else database_url(name),
        RSE_BENCH="true",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY=env.get("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40),
        RSE_LOGIN_FAILED_PER_ACCOUNT_AND_ADDRESS="1000/m",
        RSE_LOGIN_FAILED_PER_ADDRESS="1000/m",
        RSE_LOGIN_FAILED_PER_ACCOUNT="1000/m",
        # The API's throttles would answer 429 to the repeated timings.
        RSE_API_RATE_PER_TOKEN="100000/minute",  # noqa: S106 - a rate, no secret
        RSE_API_RATE_PER_PERSON="100000/minute",
        # Connections kept between requests, as in production (RSE_PRODUCTION's default):
        # the development default opens one per request.
        DATABASE_CONN_MAX_AGE=os.environ.get("RSE_BENCH_CONN_MAX_AGE", "60"),
    )
    if pooler:
        env["DATABASE_PGBOUNCER"] = "true"
    return env


def prepare_database(name: str, size: str, seed: int, reuse: bool, log) -> dict:
    """Create the database and the company, or reuse one built with the same size."""
    import psycopg2

    server = database_url("postgres")
    connection = psycopg2.connect(server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and not reuse:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    env = server_env(name)
    if exists:
        log(f"reusing database {name}")
        return {"reused": True, "generation_seconds": None}
    manage(env, "migrate", "--no-input", "-v0")
    started = time.monotonic()
    manage(env, "generate_company", "--size", size, "--seed", str(seed))
    return {"reused": False, "generation_seconds": round(time.monotonic() - started, 1)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the app (not the development server)."""

    def __init__(self, env: dict, workers: int, worker_timeout: int = 30):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "rse.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                str(worker_timeout),
                "--access-logfile",
                "/dev/null",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={**env, "PGOPTIONS": f"-c statement_timeout={TIMEOUT_SECONDS}s"},
        )

    def wait(self, within: float = 60) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=10).read()
                return
            except OSError:  # not listening yet, or still booting
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # a worker still busy with a timed-out page
            self.process.kill()
            self.process.wait(timeout=20)


# A signed-in person ----------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A person with their own cookies, talking HTTP to the server."""

    def __init__(self, base: str, timeout: float = TIMEOUT_SECONDS):
        self.base = base
        self.timeout = timeout
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.raw = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def csrf(self) -> str:
        return next((c.value or "" for c in self.cookies if c.name == "csrftoken"), "")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with self.raw.open(request, timeout=self.timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def post(self, path: str, data: dict) -> tuple[int, dict, bytes]:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        try:
            with self.raw.open(request, timeout=self.timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def sign_in(self, email: str, password: str) -> None:
        with self.opener.open(self.base + "/accounts/login/", timeout=self.timeout) as response:
            response.read()
        status, headers, _ = self.post("/accounts/login/", {"login": email, "password": password})
        if status != 302:
            raise RuntimeError(f"sign-in of {email} failed ({status})")
        status, headers, _ = self.get("/")
        if status != 200:
            raise RuntimeError(f"{email} is not signed in: / answered {status}")


# Measuring -------------------------------------------------------------------------


@dataclass
class PageResult:
    page: str
    who: str
    path: str
    samples: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    queries: int
    db_share: float
    rps: float | None = None
    ratio_to_floor: float | None = None
    status: int = 200
    server_p95_ms: float = 0.0
    extra: dict = field(default_factory=dict)
    # p95 minus the signed-in floor's p95: the page's own cost, above the fixed cost
    # every signed-in page pays (session, person, navigation, counters, base template).
    own_p95_ms: float | None = None
    # "ok", or why the page did not show what it should (a redirect, an empty state...).
    check: str = "ok"


# What each timed page must show: a page that silently became a join page, an empty
# state or a redirect fails the run instead of looking fast. (page name prefix,
# pattern on the body, what it stands for); the first prefix that matches applies.
POST_CARD = rb'<article class="card post'
EXPECTED: list[tuple[str, bytes, str]] = [
    ("floor: signed in", rb'class="site-nav"', "the signed-in navigation"),
    ("floor: fortunes", rb"<td>", "the fortunes rows"),
    ("floor:", rb".", "an answer"),
    ("home", POST_CARD, "post cards"),
    ("large community dashboard", rb"<table|<svg|<figure", "the dashboard"),
    ("community dashboard", rb"<table|<svg|<figure", "the dashboard"),
    ("network dashboard", rb"<table|<svg|<figure", "the dashboard"),
    ("questions of", rb'class="card question-item', "questions"),
    ("large community", POST_CARD, "post cards"),
    ("small community", POST_CARD, "post cards"),
    ("tag", POST_CARD, "post cards"),
    ("less used tag", POST_CARD, "post cards"),
    ("post with comments", rb'<article class="comment" id="comment-', "its comments"),
    ("people by", rb'class="person-card"', "profile cards"),
    ("moderation queue", rb'<li class="card case"', "the open cases"),
    ("notifications", rb'<li class="notification', "notifications"),
    ("search:", rb'class="result-title"|class="person-card"', "results"),
    ("api:", rb'"id":', "rows"),
]


def expected_for(page: str) -> tuple[bytes, str] | None:
    for prefix, pattern, what in EXPECTED:
        if page.startswith(prefix):
            return pattern, what
    return None


def check_page(page: str, status: int, headers: dict, body: bytes) -> str:
    """ "ok", or what is wrong with one answer of `page`."""
    if status != 200:
        where = headers.get("Location", "")
        return f"HTTP {status}" + (f" to {where}" if where else "")
    expected = expected_for(page)
    if expected and not re.search(expected[0], body):
        return f"does not show {expected[1]}"
    return "ok"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


TIMED_OUT = 504


def measure(browser: Browser, page: str, who: str, path: str, reps: int, warmup: int):
    """Timings of `reps` requests after `warmup` ones. A page that does not answer
    within the client's timeout is reported as timed out (status 504, the timeout as
    its figures) instead of stopping the run."""
    timings, server, db, queries, status, check = [], [], [], [], 200, "ok"
    try:
        for _ in range(warmup):
            browser.get(path)
    except (TimeoutError, urllib.error.URLError):
        return _timed_out(page, who, path)
    for _ in range(reps):
        started = time.perf_counter()
        try:
            status, headers, body = browser.get(path)
        except (TimeoutError, urllib.error.URLError):
            return _timed_out(page, who, path)
        timings.append((time.perf_counter() - started) * 1000)
        # Every answer's status, the first one's content.
        if check == "ok" and (len(timings) == 1 or status != 200):
            check = check_page(page, status, headers, body)
        queries.append(int(headers.get("X-Bench-Queries", 0)))
        server.append(float(headers.get("X-Bench-Total-ms", 0)))
        db.append(float(headers.get("X-Bench-DB-ms", 0)))
    total_server = sum(server) or 1.0
    return PageResult(
        page=page,
        who=who,
        path=path,
        samples=reps,
        p50_ms=round(percentile(timings, 50), 2),
        p95_ms=round(percentile(timings, 95), 2),
        p99_ms=round(percentile(timings, 99), 2),
        # The usual number: a worker's very first request also fills Django's caches
        # (content types), once per process.
        queries=statistics.mode(queries),
        db_share=round(sum(db) / total_server, 3),
        status=status,
        server_p95_ms=round(percentile(server, 95), 2),
        check=check,
    )


def _timed_out(page: str, who: str, path: str) -> PageResult:
    ms = TIMEOUT_SECONDS * 1000.0
    return PageResult(
        page, who, path, 0, ms, ms, ms, 0, 0.0, status=TIMED_OUT, server_p95_ms=ms, check="timeout"
    )


def saturation(base: str, browser: Browser, path: str, clients: int, seconds: float) -> float:
    """Requests per second with `clients` closed-loop clients sharing one session."""
    done = [0] * clients
    stop = time.monotonic() + seconds

    def loop(index: int) -> None:
        worker = Browser(base)
        worker.cookies = browser.cookies
        worker.raw = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(browser.cookies), NoRedirect()
        )
        while time.monotonic() < stop:
            worker.get(path)
            done[index] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(done) / (time.monotonic() - started), 1)


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        memory_gib = round(int(memory) / 1024 / 1024, 1)
    except OSError:
        memory_gib = 0
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"


def first_link(html: bytes, pattern: str) -> str | None:
    match = re.search(pattern.encode(), html)
    return match.group(1).decode() if match else None


def time_job(env: dict, name: str) -> dict:
    """Run one lifecycle job as `manage.py run_job`: wall time and peak memory."""
    return {"job": name, **time_command(env, "run_job", name)}


def time_command(env: dict, *args: str) -> dict:
    """Run one management command: wall time and peak memory."""
    started = time.monotonic()
    process = subprocess.Popen(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = process.stdout.read().decode() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": round(time.monotonic() - started, 2),
        "peak_memory_mib": round(usage.ru_maxrss / 1024, 1),
        "exit": process.returncode,
        "output": output.strip().splitlines()[-3:],
    }


# Profiles --------------------------------------------------------------------------

# The pages profiled by `--profile N` (issue 26): the fixed cost, the home, a
# community, a post and the searches.
PROFILED = (
    "floor: signed in",
    "home",
    "small community",
    "large community",
    "post with comments",
    "search: sécurité",
    "search: Dupont",
)


def profile_label(page: str, who: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", f"{page} {who}".lower()).strip("-")[:40]


def profile_pages(browsers: dict, pages: list, reps: int, log) -> list[str]:
    """`reps` requests of each profiled page under pyinstrument in the server (the
    server was started with RSE_BENCH_PROFILE_DIR); the labels profiled."""
    labels, seen = [], set()
    for page, who, path in pages:
        if page not in PROFILED or page in seen:
            continue
        seen.add(page)
        label = profile_label(page, who)
        for _ in range(reps):
            browsers[who].get(path, headers={"X-Bench-Profile": label})
        labels.append(label)
        log(f"profiled {page} ({who}): {reps} requests")
    return labels


def _frames(frame, ancestors=()):
    yield frame, ancestors
    key = (frame.function, frame.file_path_short, frame.line_no)
    for child in frame.children:
        yield from _frames(child, (*ancestors, key))


def summarize_profiles(directory: Path, labels: list[str], top: int = 30) -> tuple[str, dict]:
    """Each label's profiles combined: the functions with the most time of their own
    and the most time inclusive (text and JSON), and pyinstrument's call tree."""
    from functools import reduce

    from pyinstrument.renderers import ConsoleRenderer
    from pyinstrument.session import Session

    text: list[str] = []
    data: dict[str, dict] = {}
    for label in labels:
        files = sorted(directory.glob(f"{label}-*.json"))
        if not files:
            continue
        session = reduce(Session.combine, (Session.load(f) for f in files))
        root = session.root_frame()
        if root is None:
            continue
        total = root.time or 1e-9
        own: dict[tuple, float] = {}
        inclusive: dict[tuple, float] = {}
        for frame, ancestors in _frames(root):
            key = (frame.function, frame.file_path_short, frame.line_no)
            own[key] = own.get(key, 0.0) + frame.total_self_time
            if key not in ancestors:  # recursion counted once
                inclusive[key] = inclusive.get(key, 0.0) + frame.time

        def rows(table: dict, total: float = total, requests: int = len(files)) -> list[dict]:
            ranked = sorted(table.items(), key=lambda item: -item[1])[:top]
            return [
                {
                    "function": function,
                    "file": f"{path}:{line}",
                    "ms_per_request": round(seconds * 1000 / requests, 2),
                    "share": round(seconds / total, 3),
                }
                for (function, path, line), seconds in ranked
            ]

        data[label] = {
            "requests": len(files),
            "ms_per_request": round(total * 1000 / len(files), 2),
            "top_own_time": rows(own),
            "top_inclusive": [r for r in rows(inclusive) if r["share"] < 0.999][:top],
        }
        text.append(f"=== {label}: {len(files)} requests, {data[label]['ms_per_request']} ms each")
        text.append("-- own time (top entries)")
        text += [
            f"{r['share'] * 100:5.1f} % {r['ms_per_request']:8.2f} ms  {r['function']}  {r['file']}"
            for r in data[label]["top_own_time"]
        ]
        text.append("-- call tree")
        tree = ConsoleRenderer(unicode=False, color=False, time="percent_of_total").render(session)
        text += tree.splitlines()[:200]
        text.append("")
    return "\n".join(text) + "\n", data


# PostgreSQL settings ---------------------------------------------------------------

POSTGRES_SETTINGS = (
    "server_version",
    "shared_buffers",
    "work_mem",
    "effective_cache_size",
    "jit",
    "max_parallel_workers_per_gather",
    "random_page_cost",
    "maintenance_work_mem",
    "effective_io_concurrency",
    "max_wal_size",
    "max_connections",
    "wal_level",
    "fsync",
)


def postgres_settings(name: str) -> dict:
    """The server's settings (SHOW, on a plain connection) and those the app's own
    connections run with (Django's connection: DATABASE_JIT and the like)."""
    import psycopg2
    from django.db import connection

    def read(cursor) -> dict:
        found = {}
        for setting in POSTGRES_SETTINGS:
            cursor.execute(f"SHOW {setting}")
            found[setting] = cursor.fetchone()[0]
        return found

    plain = psycopg2.connect(database_url(name))
    try:
        with plain.cursor() as cursor:
            server = read(cursor)
    finally:
        plain.close()
    pooler = os.environ.get("RSE_BENCH_POOLER")
    if pooler:  # `--pgbouncer`: startup options do not pass it, the server's values hold
        pooled = psycopg2.connect(f"{pooler}/{name}")
        try:
            with pooled.cursor() as cursor:
                app = read(cursor)
        finally:
            pooled.close()
    else:
        with connection.cursor() as cursor:
            app = read(cursor)
    return {"server": server, "app_connections": {k: v for k, v in app.items() if v != server[k]}}
