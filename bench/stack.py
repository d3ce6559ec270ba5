"""Private services for the fault tests and the soak: a PostgreSQL cluster and a Redis
server of their own, on their own ports, in a temporary directory, that can be stopped,
killed and started again without touching any other instance on the machine.

PostgreSQL runs as the `postgres` system user when started by root (initdb refuses
root), as the current user otherwise; its socket lives in the temporary directory.
Redis keeps an append-only file there, so a stop and a start keep the queued tasks, as
a production broker must.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("RSE_PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = os.environ.get("RSE_REDIS_SERVER", "redis-server")
PGBOUNCER = os.environ.get("RSE_PGBOUNCER", "/usr/sbin/pgbouncer")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pgbouncer_missing() -> str | None:
    """Why a private PgBouncer cannot be started here, or None."""
    if not Path(PGBOUNCER).exists():
        return f"needs PgBouncer at {PGBOUNCER} (apt-get install pgbouncer; RSE_PGBOUNCER)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "needs runuser to start PgBouncer as the postgres user"
    return None


def missing() -> str | None:
    """Why private services cannot be started here, or None."""
    if not (PG_BIN / "initdb").exists():
        return f"needs PostgreSQL's server programs in {PG_BIN} (set RSE_PG_BIN)"
    if not shutil.which(REDIS_SERVER):
        return "needs redis-server (apt-get install redis-server)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "needs runuser to start PostgreSQL as the postgres user"
    return None


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(check, what: str, timeout: float = 60) -> float:
    """Poll `check` until true; return the seconds it took. A bounded wait, for
    services to come up, never an assertion on time."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    raise RuntimeError(f"{what}: not within {timeout} s")


def pg_port() -> int:
    """A port for a private PostgreSQL: the first free one of RSE_PRIVATE_PG_PORTS
    ("5440-5449", for machines where each user has a range), else any free port."""
    span = os.environ.get("RSE_PRIVATE_PG_PORTS", "")
    if span:
        first, _, last = span.partition("-")
        for port in range(int(first), int(last or first) + 1):
            if not _listening(port):
                return port
        raise RuntimeError(f"no free port in RSE_PRIVATE_PG_PORTS={span}")
    return free_port()


class PrivatePostgres:
    """initdb + pg_ctl in a temporary directory, on 127.0.0.1:`port`. `settings` are
    extra server settings (name: value), e.g. the memory settings of the benchmark."""

    def __init__(self, port: int | None = None, settings: dict[str, str] | None = None):
        self.settings = dict(settings or {})
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="rse-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def init(self) -> "PrivatePostgres":
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        for name, value in self.settings.items():
            options += f" -c {name}={value}"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """fast: sessions ended, clean shutdown; immediate: like a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def running(self) -> bool:
        return _listening(self.port)

    def create_database(self, name: str) -> str:
        self._run("psql", "-h", str(self.root), "-p", str(self.port), "-U", "postgres",
                  "-c", f'CREATE DATABASE "{name}"')  # fmt: skip
        return f"{self.url}/{name}"

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def sql(self, query: str, database: str = "postgres") -> str:
        """One statement through psql; its output, unaligned, without headers."""
        return self._run("psql", "-h", str(self.root), "-p", str(self.port), "-U", "postgres",
                         "-d", database, "-XAtq", "-v", "ON_ERROR_STOP=1",
                         "-c", query).stdout.strip()  # fmt: skip

    def replica(self, port: int | None = None) -> "PrivatePostgres":
        """A streaming replica of this (running) cluster: `pg_basebackup -R` into a new
        temporary directory, started on its own port, read-only (hot standby). The
        primary's default wal_level (replica) and max_wal_senders serve; initdb's
        trust rules let 127.0.0.1 replicate."""
        standby = PrivatePostgres(port or pg_port(), self.settings)
        standby._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                     "-D", str(standby.data), "-R", "-X", "stream", "--no-sync",
                     # Not a spread checkpoint: it waited up to 4.5 minutes for nothing.
                     "--checkpoint=fast")  # fmt: skip
        standby.start()
        return standby

    # On a replica ---------------------------------------------------------------------

    def pause_replay(self) -> None:
        """Stop applying the primary's changes (they keep arriving): the replica stays
        as it is, a delay as long as the caller wants, without waiting on a clock."""
        self.sql("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.sql("SELECT pg_wal_replay_resume()")

    def caught_up_with(self, primary: "PrivatePostgres") -> bool:
        """Has this replica applied everything the primary has written so far?"""
        written = primary.sql("SELECT pg_current_wal_lsn()")
        return self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn") == "t"


class PrivateRedis:
    """redis-server on 127.0.0.1:`port`, append-only file in a temporary directory."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="rse-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "everysec", "--dir", str(self.root),
             "--logfile", str(self.root / "redis.log")],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: _listening(self.port), "private Redis start", 30)

    def stop(self) -> None:
        """A clean stop (SIGTERM: the append-only file is flushed)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)
        self.process = None

    def running(self) -> bool:
        return _listening(self.port)

    def destroy(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


class PrivatePgBouncer:
    """PgBouncer in transaction mode on 127.0.0.1:`port`, in front of the PostgreSQL
    server at `server_port`, with `pool_size` server connections per database and user
    (README, "Capacity": what production would run between the web workers and each
    server). Run as the `postgres` system user when started by root (it refuses root)."""

    def __init__(self, server_port: int, pool_size: int, port: int | None = None):
        self.server_port = server_port
        self.pool_size = pool_size
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="rse-pgbouncer-"))
        self.as_postgres = os.geteuid() == 0
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def start(self) -> None:
        # Trust, as the servers of the benchmark: the user must still be listed.
        (self.root / "users.txt").write_text('"postgres" ""\n')
        (self.root / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host=127.0.0.1 port={self.server_port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            f"unix_socket_dir = {self.root}\n"
            f"auth_type = trust\nauth_file = {self.root / 'users.txt'}\n"
            "pool_mode = transaction\nadmin_users = postgres\n"
            f"default_pool_size = {self.pool_size}\nmax_client_conn = 500\n"
            # Django sets these on every new connection; transaction mode cannot keep
            # session state, so they are accepted and not forwarded.
            "ignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {self.root / 'pgbouncer.log'}\n"
        )
        command = [PGBOUNCER, str(self.root / "pgbouncer.ini")]
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
            for child in self.root.iterdir():
                shutil.chown(child, "postgres", "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_until(lambda: _listening(self.port), "private PgBouncer start", 30)

    def stats(self, database: str) -> dict[str, int]:
        """PgBouncer's counters for `database` (SHOW STATS on its admin console)."""
        import psycopg2

        connection = psycopg2.connect(f"{self.url}/pgbouncer")
        connection.autocommit = True  # the console runs no transactions
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW STATS")
                names = [column.name for column in cursor.description]
                for row in cursor.fetchall():
                    if row[0] == database:
                        return dict(zip(names[1:], row[1:], strict=True))
        finally:
            connection.close()
        return {}

    def destroy(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)
