"""`python -m bench soak` (`make soak`): the production stack under load, with faults.

It owns everything it breaks: a private PostgreSQL cluster and a private Redis (their
own ports, in a temporary directory), gunicorn with several workers, a Celery worker and
beat, and an SMTP sink (aiosmtpd) that can answer errors. On the generated company it
runs signed-in people reading (home, communities, posts, search, notifications) and
writing (posts that @mention colleagues, comments, likes, reports of a post, joins of a
free community or requests to join an open one), each write carrying a marker the load
generator made (or, for likes and joins, a pair it recorded), while a schedule injects
faults:

  PostgreSQL stopped then started · Redis stopped (60 s) then started · the Celery
  worker SIGKILLed then started · the SMTP server answering 451 for a while · one
  gunicorn worker SIGKILLed (its master starts another).

Then it accounts: every write acknowledged (HTTP redirect after success) exists, once;
every immediate e-mail was delivered once or is still queued (the notification row is
the outbox); the audit chain verifies; no request waited past the client's timeout.
The result goes to bench/results/<date>-soak-<commit>.json (README, "Operations").
"""

import argparse
import email
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .runner import PYTHON, RESULTS, ROOT, Browser, commit, machine, percentile
from .stack import PrivatePostgres, PrivateRedis, free_port, wait_until

BENCH_PASSWORD = "bench-password-2026"  # bench/generate.py
# The bound on a request: gunicorn stops a worker busy for longer (--timeout) and the
# client gives up then; a request past it counts as hung. Past SLOW it counts as slow.
CLIENT_TIMEOUT = 30
SLOW_SECONDS = 10


@dataclass
class Fault:
    name: str
    at: float  # seconds after the start of the load
    down: float  # seconds the fault lasts


def schedule(minutes: float) -> list[Fault]:
    """Faults spread over the run; the 30-minute run keeps Redis away for 60 s."""
    total = minutes * 60
    scale = total / 1800
    redis_down = 60 if minutes >= 10 else max(15.0, 60 * scale * 3)
    names = [
        ("postgres_restart", max(8.0, 10 * scale * 2)),
        ("redis_down", redis_down),
        ("worker_kill", max(5.0, 10 * scale * 2)),
        ("smtp_errors", max(15.0, 120 * scale * 2)),
        ("gunicorn_worker_kill", 0.0),
    ]
    # Steady first (a tenth of the run), faults evenly after it, a recovery tail.
    start, end = total * 0.12, total * 0.85
    step = (end - start) / len(names)
    return [Fault(name, start + i * step, down) for i, (name, down) in enumerate(names)]


# The SMTP sink --------------------------------------------------------------------


class Sink:
    """aiosmtpd on 127.0.0.1, keeping each delivered notification id; while `failing`,
    it answers 451 (try later) to every message."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.failing = False
        self.delivered: list[tuple[float, str]] = []
        self.refused = 0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd
        if self.failing:
            with self.lock:
                self.refused += 1
            return "451 4.3.0 Mail server busy (soak fault), try again later"
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.delivered.append((time.monotonic(), message.get("X-RSE-Notification", "")))
        return "250 OK"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


# The stack ------------------------------------------------------------------------


class Stack:
    def __init__(self, size: str, workers: int, seed: int, log) -> None:
        self.log = log
        self.size, self.workers, self.seed = size, workers, seed
        self.tmp = Path(tempfile.mkdtemp(prefix="rse-soak-"))
        self.pg = PrivatePostgres()
        self.redis = PrivateRedis()
        self.sink = Sink()
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None
        self.restarts: Counter = Counter()
        self.extra_env: dict[str, str] = {}

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "RSE_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="rse.settings",
            DATABASE_URL=f"{self.pg.url}/rse_soak",
            REDIS_URL=f"{self.redis.url}/0",
            DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECRET_KEY="soak-only-secret-key-" + "x" * 40,
            DATABASE_CONN_MAX_AGE="60",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.sink.port),
            MEDIA_ROOT=str(self.tmp / "media"),
            AUDIT_ANCHOR_PATH=str(self.tmp / "audit_anchor"),
            # The soak measures the stack, not the limits: a few people write a lot.
            RSE_POSTS_PER_PERSON="",
            RSE_COMMENTS_PER_PERSON="",
            RSE_POSTS_PER_COMMUNITY="",
            RSE_LOGIN_FAILED_PER_ACCOUNT_AND_ADDRESS="1000/m",
            RSE_LOGIN_FAILED_PER_ADDRESS="1000/m",
            RSE_LOGIN_FAILED_PER_ACCOUNT="1000/m",
            # Nor quiet hours: a run in the evening would hold every e-mail till morning.
            RSE_QUIET_HOURS_DEFAULT="false",
            # The outbox sweep every minute, for e-mails a minute old.
            NOTIFICATIONS_EMAIL_SWEEP_MINUTES="1",
            NOTIFICATIONS_EMAIL_SWEEP_GRACE_MINUTES="1",
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
            capture_output=capture, text=True,
        )  # fmt: skip

    def query(self, question: dict) -> dict:
        path = self.tmp / f"query-{uuid.uuid4().hex}.json"
        path.write_text(json.dumps(question))
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", "from bench.soak_queries import main; main()"],
            cwd=ROOT, env={**self.env, "RSE_SOAK_QUERY": str(path)}, check=True,
            capture_output=True, text=True,
        )  # fmt: skip
        return json.loads(Path(f"{path}.answer").read_text())

    def build(self) -> dict:
        started = time.monotonic()
        self.pg.init()
        self.pg.start()
        self.pg.create_database("rse_soak")
        self.redis.start()
        self.sink.start()
        self.log(f"private PostgreSQL on {self.pg.port}, Redis on {self.redis.port}")
        self.manage("migrate", "--no-input", "-v0")
        migrated = time.monotonic()
        self.manage("generate_company", "--size", self.size, "--seed", str(self.seed))
        return {
            "migrate_s": round(migrated - started, 1),
            "generate_s": round(time.monotonic() - migrated, 1),
        }

    def _spawn(self, *command: str, log: str) -> subprocess.Popen:
        return subprocess.Popen(
            list(command), cwd=ROOT, env=self.env, start_new_session=True,
            stdout=open(self.tmp / log, "ab"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )  # fmt: skip

    def start_web(self) -> None:
        self.web = self._spawn(
            str(Path(PYTHON).with_name("gunicorn")), "rse.wsgi", "--bind",
            f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--timeout", "30",
            "--graceful-timeout", "5", "--log-level", "warning", log="gunicorn.log",
        )  # fmt: skip

    def start_worker(self) -> None:
        self.worker = self._spawn(
            str(Path(PYTHON).with_name("celery")), "-A", "rse", "worker", "--concurrency", "2",
            "--loglevel", "WARNING", "--without-mingle", "--without-gossip", log="worker.log",
        )  # fmt: skip

    def start_beat(self) -> None:
        self.beat = self._spawn(
            str(Path(PYTHON).with_name("celery")), "-A", "rse", "beat", "--loglevel", "WARNING",
            "--schedule", str(self.tmp / "beat-schedule"), log="beat.log",
        )  # fmt: skip

    def supervise(self) -> None:
        """What a process supervisor (systemd, compose's restart policy) does: a Celery
        process that exited on its own is started again (and counted)."""
        if self.worker is not None and self.worker.poll() is not None:
            self.restarts["worker"] += 1
            self.start_worker()
        if self.beat is not None and self.beat.poll() is not None:
            self.restarts["beat"] += 1
            self.start_beat()

    def kill_worker(self) -> None:
        if self.worker is not None:
            os.killpg(self.worker.pid, signal.SIGKILL)
            self.worker.wait(timeout=30)

    def web_children(self) -> list[int]:
        if self.web is None:
            return []
        path = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def ready(self) -> bool:
        probe = Browser(self.base)
        try:
            status, _, _ = probe.get("/healthz/ready")
        except OSError:
            return False
        return status == 200

    def worker_answers(self) -> bool:
        from celery import Celery

        app = Celery(broker=self.env["REDIS_URL"])
        try:
            return bool(app.control.ping(timeout=1.0))
        except Exception:  # noqa: BLE001 - broker unreachable: not yet
            return False
        finally:
            app.close()

    def stop(self) -> None:
        for process in (self.web, self.worker, self.beat):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        self.sink.stop()
        self.redis.destroy()
        self.pg.destroy()
        if not os.environ.get("RSE_SOAK_KEEP"):  # the logs of gunicorn, Celery, …
            shutil.rmtree(self.tmp, ignore_errors=True)


# The load -------------------------------------------------------------------------


@dataclass
class Sample:
    at: float
    op: str
    status: int
    ms: float


@dataclass
class Load:
    base: str
    cast: dict
    seed: int
    samples: list[Sample] = field(default_factory=list)
    writes: dict = field(
        default_factory=lambda: {"post": [], "comment": [], "like": [], "report": [], "join": []}
    )
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    READS = (("home", 30), ("community", 15), ("post", 20), ("search", 8), ("notifications", 7))
    WRITES = (
        ("write_post", 7),
        ("write_comment", 8),
        ("write_like", 5),
        ("write_report", 1),
        ("write_join", 1),
    )
    # A refusal (the form again, 403, 404) drops a report or join target; a failure
    # (503 during a fault, a reset, a timeout) keeps it for a later try.
    REFUSED = (400, 403, 404)

    def _record(self, op: str, started: float, status: int) -> None:
        with self.lock:
            self.samples.append(Sample(started, op, status, (time.monotonic() - started) * 1000))

    def _call(self, browser: Browser, op: str, method: str, path: str, data=None) -> int:
        started = time.monotonic()
        try:
            if method == "GET":
                status, _, _ = browser.get(path)
            else:
                status, _, _ = browser.post(path, data or {})
        except TimeoutError:
            status = 599  # hung past CLIENT_TIMEOUT
        except urllib.error.URLError as error:
            status = 599 if isinstance(error.reason, TimeoutError) else 598
        except OSError:
            status = 598  # connection refused or reset (a worker killed under it)
        self._record(op, started, status)
        return status

    def person(self, index: int) -> None:
        rng = random.Random(self.seed * 1000 + index)
        me = self.cast["people"][index]
        browser = Browser(self.base, timeout=CLIENT_TIMEOUT)
        while not self.stop.is_set():
            try:
                browser.sign_in(me["email"], BENCH_PASSWORD)
                break
            except (RuntimeError, OSError):
                time.sleep(1)
        ops, weights = zip(*(self.READS + self.WRITES), strict=True)
        to_report = list(self.cast["reports"].get(str(me["id"]), []))
        to_join = [list(entry) for entry in self.cast["joins"].get(str(me["id"]), [])]
        while not self.stop.is_set():
            op = rng.choices(ops, weights)[0]
            slug = rng.choice(me["communities"])
            posts = self.cast["posts"].get(slug) or [0]
            post_id = rng.choice(posts)
            if op == "home":
                self._call(browser, op, "GET", "/")
            elif op == "community":
                self._call(browser, op, "GET", f"/communities/{slug}/")
            elif op == "post":
                self._call(browser, op, "GET", f"/posts/{post_id}/")
            elif op == "search":
                self._call(browser, op, "GET", "/search/?q=" + rng.choice(["projet", "cloud"]))
            elif op == "notifications":
                self._call(browser, op, "GET", "/notifications/")
            elif op == "write_post":
                others = [u for u in self.cast["members"].get(slug, []) if u != me["username"]]
                mention = f" @{rng.choice(others)}" if others else ""
                marker = f"soak-post-{uuid.uuid4().hex}{mention}"
                data = {"community": slug, "body": marker, "tags": ""}
                if self._call(browser, op, "POST", "/posts/new/", data) == 302:
                    with self.lock:
                        self.writes["post"].append(marker)
            elif op == "write_comment":
                marker = f"soak-comment-{uuid.uuid4().hex}"
                path = f"/posts/{post_id}/comments/"
                if self._call(browser, op, "POST", path, {"body": marker}) == 302:
                    with self.lock:
                        self.writes["comment"].append(marker)
            elif op == "write_like":
                path = f"/posts/{post_id}/like/"
                if self._call(browser, op, "POST", path, {"liked": "1"}) == 302:
                    with self.lock:
                        self.writes["like"].append([me["id"], post_id])
            elif op == "write_report" and to_report and self.cast["reasons"]:
                marker = f"soak-report-{uuid.uuid4().hex}"
                path = f"/moderation/report/post/{to_report[0]}/"
                data = {"reason": rng.choice(self.cast["reasons"]), "note": marker}
                status = self._call(browser, op, "POST", path, data)
                if status == 302:
                    with self.lock:
                        self.writes["report"].append(marker)
                if status == 302 or status in self.REFUSED:
                    to_report.pop(0)
            elif op == "write_join" and to_join:
                target, expected = to_join[0]
                asking = expected == "requested"
                path = f"/communities/{target}/{'request' if asking else 'join'}/"
                data = {"message": f"soak-join-{uuid.uuid4().hex}"} if asking else {}
                status = self._call(browser, op, "POST", path, data)
                if status == 302:
                    with self.lock:
                        self.writes["join"].append([me["id"], target, expected])
                if status == 302 or status in self.REFUSED:
                    to_join.pop(0)
            time.sleep(rng.uniform(0.2, 0.8))  # think time


# Faults and phases ----------------------------------------------------------------


def inject(stack: Stack, fault: Fault, log) -> dict:
    """Break, wait, repair; then measure how long until the stack serves again."""
    info: dict = {"name": fault.name, "down_s": fault.down}
    began = time.monotonic()
    if fault.name == "postgres_restart":
        stack.pg.stop("fast")
        time.sleep(fault.down)
        stack.pg.start()
    elif fault.name == "redis_down":
        stack.redis.stop()
        time.sleep(fault.down)
        stack.redis.start()
    elif fault.name == "worker_kill":
        stack.kill_worker()
        time.sleep(fault.down)
        stack.start_worker()
    elif fault.name == "smtp_errors":
        stack.sink.failing = True
        time.sleep(fault.down)
        stack.sink.failing = False
    elif fault.name == "gunicorn_worker_kill":
        children = stack.web_children()
        info["killed_pid"] = children[0] if children else None
        if children:
            os.kill(children[0], signal.SIGKILL)
    repaired = time.monotonic()
    info["started_at_s"] = round(began - stack_started[0], 1)
    if fault.name == "worker_kill":
        wait_until(stack.worker_answers, "worker back", 180)
    elif fault.name == "smtp_errors":
        seen = len(stack.sink.delivered)
        wait_until(lambda: len(stack.sink.delivered) > seen, "an e-mail delivered", 300)
    elif fault.name == "gunicorn_worker_kill":
        wait_until(
            lambda: (
                len(stack.web_children()) == stack.workers
                and info["killed_pid"] not in stack.web_children()
            ),
            "gunicorn worker replaced",
            60,
        )
    wait_until(stack.ready, f"ready after {fault.name}", 180)
    done = time.monotonic()
    info["recovery_s"] = round(done - repaired, 2)
    info["window"] = [round(began - stack_started[0], 2), round(done - stack_started[0], 2)]
    log(f"  {fault.name}: down {fault.down:.0f} s, recovered {info['recovery_s']} s later")
    return info


stack_started = [0.0]


def summarize(samples: list[Sample], phases: list[tuple[str, float, float]]) -> dict:
    def phase_of(at: float) -> str:
        """By the time the answer came: a request caught by a fault counts in it."""
        for name, start, end in phases:
            if start <= at < end:
                return name
        if not phases or at < phases[0][1]:
            return "steady"
        return "after_recovery" if at >= phases[-1][2] else "between_faults"

    grouped: dict[str, list[Sample]] = {}
    for sample in samples:
        ended = sample.at + sample.ms / 1000 - stack_started[0]
        grouped.setdefault(phase_of(ended), []).append(sample)
    out = {}
    for name, group in grouped.items():
        times = [s.ms for s in group]
        errors = [s for s in group if s.status not in (200, 302)]
        out[name] = {
            "requests": len(group),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1),
            "p99_ms": round(percentile(times, 99), 1),
            "max_ms": round(max(times), 1),
            "error_rate": round(len(errors) / len(group), 4),
            "errors_by_op": dict(Counter(f"{s.op} {s.status}" for s in errors)),
            "statuses": dict(Counter(str(s.status) for s in group)),
        }
    return out


def run(args) -> dict:
    def log(message: str) -> None:
        print(message, flush=True)

    stack = Stack(args.size, args.workers, args.seed, log)
    tested = commit()  # the code under test: the one checked out when the run starts
    try:
        log(f"building the {args.size} company on private services…")
        build = stack.build()
        cast = stack.query({"ask": "cast", "people": args.people})
        if not cast["people"]:
            raise SystemExit("the generated company has nobody who may post")
        log(
            f"cast: {len(cast['people'])} people, "
            f"{sum(map(len, cast['reports'].values()))} posts to report, "
            f"{sum(map(len, cast['joins'].values()))} communities to join or ask to join"
        )
        stack.start_web()
        stack.start_worker()
        stack.start_beat()
        wait_until(stack.ready, "gunicorn ready", 120)
        since = datetime.now(UTC).isoformat()
        load = Load(stack.base, cast, args.seed)
        stack_started[0] = time.monotonic()
        people = [
            threading.Thread(target=load.person, args=(i,), daemon=True)
            for i in range(len(cast["people"]))
        ]
        for thread in people:
            thread.start()
        faults = []
        phases: list[tuple[str, float, float]] = []
        total = args.minutes * 60
        log(f"load: {len(people)} people for {args.minutes} min, faults on a schedule")
        for fault in schedule(args.minutes):
            while time.monotonic() - stack_started[0] < fault.at:
                stack.supervise()
                time.sleep(0.5)
            info = inject(stack, fault, log)
            stack.supervise()
            faults.append(info)
            phases.append((fault.name, info["window"][0], info["window"][1]))
        while time.monotonic() - stack_started[0] < total:
            stack.supervise()
            time.sleep(0.5)
        load.stop.set()
        for thread in people:
            thread.join(timeout=CLIENT_TIMEOUT + 5)
        log("load stopped; draining the e-mail jobs…")
        drained_at = time.monotonic()
        accounting = stack.query({"ask": "account", "writes": load.writes, "since": since})
        while accounting["emails"]["queued_ids"] and time.monotonic() - drained_at < args.drain:
            stack.supervise()
            time.sleep(10)
            accounting = stack.query({"ask": "account", "writes": load.writes, "since": since})
        time.sleep(3)  # deliveries the last claims started
        accounting = stack.query({"ask": "account", "writes": load.writes, "since": since})
        delivered = Counter(nid for _, nid in stack.sink.delivered if nid)
        claimed = set(map(str, accounting["emails"]["claimed_ids"]))
        verify = subprocess.run(
            [PYTHON, "manage.py", "audit_verify"], cwd=ROOT, env=stack.env,
            capture_output=True, text=True,
        )  # fmt: skip
        writes = accounting["writes"]
        lost_writes = sum(len(w["lost"]) for w in writes.values())
        hung = [
            f"{s.op} at {s.at - stack_started[0]:.0f}s" for s in load.samples if s.status == 599
        ]
        slow = sum(1 for s in load.samples if s.ms > SLOW_SECONDS * 1000)
        return {
            "kind": "soak",
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": tested,
            "machine": machine(),
            "settings": {
                "size": args.size,
                "minutes": args.minutes,
                "people": len(cast["people"]),
                "gunicorn_workers": args.workers,
                "celery_concurrency": 2,
                "client_timeout_s": CLIENT_TIMEOUT,
                "seed": args.seed,
            },  # fmt: skip
            "build": build,
            "phases": summarize(load.samples, phases),
            "faults": faults,
            "writes": {
                kind: {
                    "acknowledged": w["acknowledged"],
                    "found": w["found"],
                    "lost": len(w["lost"]),
                    "duplicated": len(w["duplicated"]),
                }
                for kind, w in writes.items()
            },  # fmt: skip
            "lost_writes": lost_writes,
            "lost_write_examples": {k: w["lost"][:5] for k, w in writes.items() if w["lost"]},
            "emails": {
                "wanted_immediately": accounting["emails"]["wanted"],
                "delivered": sum(delivered.values()),
                "delivered_once": sum(1 for n in delivered.values() if n == 1),
                "still_queued": len(accounting["emails"]["queued_ids"]),
                "claimed_not_delivered": len(claimed - set(delivered)),
                "smtp_refusals": stack.sink.refused,
            },
            "duplicated_deliveries": sum(n - 1 for n in delivered.values() if n > 1),
            "audit_verify": {
                "ok": verify.returncode == 0,
                "output": (verify.stdout + verify.stderr).strip()[-300:],
            },  # fmt: skip
            "hung_requests": len(hung),
            "hung_request_examples": hung[:10],
            f"requests_over_{SLOW_SECONDS}s": slow,
            "requests": len(load.samples),
            "max_latency_ms": round(max((s.ms for s in load.samples), default=0), 1),
            "supervisor_restarts": dict(stack.restarts),
        }
    finally:
        stack.stop()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--size", default="small", choices=["tiny", "small", "medium"])
    parser.add_argument("--people", type=int, default=12, help="signed-in people at once")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drain", type=int, default=300, help="seconds to wait for e-mails")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    result = run(args)
    print(json.dumps({k: result[k] for k in ("phases", "faults", "writes", "emails")}, indent=1))
    verdict = {
        "lost_writes": result["lost_writes"],
        "duplicated_deliveries": result["duplicated_deliveries"],
        "claimed_not_delivered": result["emails"]["claimed_not_delivered"],
        "audit_verify": result["audit_verify"]["ok"],
        "hung_requests": result["hung_requests"],
    }
    print("verdict", json.dumps(verdict))
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = RESULTS / f"{stamp}-soak-{result['commit']}.json"
        path.write_text(json.dumps(result, indent=1))
        print(f"written {path.relative_to(ROOT)}")
    failed = (
        verdict["lost_writes"]
        or verdict["duplicated_deliveries"]
        or verdict["claimed_not_delivered"]
        or not verdict["audit_verify"]
        or verdict["hung_requests"]
    )
    sys.exit(1 if failed else 0)
