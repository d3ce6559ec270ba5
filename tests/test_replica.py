"""Reads on a streaming replica (core/replica.py, README "Capacity").

The router's rules on their own (any database), then the real thing: a private
PostgreSQL primary and a streaming replica made from it with `pg_basebackup -R`
(bench/stack.py), the app served by gunicorn with DATABASE_URL on the primary and
DATABASE_REPLICA_URL on the replica. The replica's replay is paused
(`pg_wal_replay_pause()`) to hold it behind the primary for as long as the test needs:
no sleeps, no timing.
"""

import time
from http.cookiejar import Cookie

import pytest
import time_machine
from django.core import signing
from django.test import RequestFactory

from core import replica


def _cookie(until: float, salt: str = "core.replica.sticky") -> str:
    return signing.get_cookie_signer(salt=salt).sign(f"{until:.3f}")


def test_reads_of_a_safe_request_may_go_to_the_replica_and_others_may_not():
    factory = RequestFactory()
    assert replica.replica_allowed(factory.get("/"))
    assert replica.replica_allowed(factory.head("/"))
    for method in ("post", "put", "patch", "delete"):
        assert not replica.replica_allowed(getattr(factory, method)("/"))


def test_a_browser_that_wrote_reads_the_primary_until_its_signed_time_has_passed():
    factory = RequestFactory()
    with time_machine.travel("2026-11-29 12:00:00+00:00", tick=False):
        now = time.time()
        request = factory.get("/", HTTP_COOKIE=f"{replica.COOKIE}={_cookie(now + 10)}")
        assert not replica.replica_allowed(request)
    with time_machine.travel("2026-11-29 12:00:11+00:00", tick=False):
        assert replica.replica_allowed(request)


@pytest.mark.parametrize(
    "value",
    [
        "9999999999.000",  # unsigned: anyone could write it
        _cookie(9999999999, salt="another.salt"),
        "garbage:with:colons",
    ],
    # Fixed ids: the signed value holds the time, and pytest-xdist's workers must
    # collect the same test names.
    ids=["unsigned", "signed-with-another-salt", "garbage"],
)
def test_a_forged_or_foreign_marker_is_ignored(value):
    request = RequestFactory().get("/", HTTP_COOKIE=f"{replica.COOKIE}={value}")
    assert replica.sticky_until(request) == 0.0
    assert replica.replica_allowed(request)


def test_writes_and_migrations_go_to_the_primary_and_reads_outside_a_request_too():
    router = replica.ReplicaRouter()
    assert router.db_for_write(None) == "default"
    assert router.allow_migrate("default", "posts")
    assert not router.allow_migrate("replica", "posts")
    # A Celery task, a command or the shell: no request, the primary.
    assert router.db_for_read(None) == "default"


@pytest.mark.django_db
def test_without_a_replica_nothing_changes_not_even_a_cookie(client, employee):
    client.force_login(employee)
    response = client.post("/posts/new/", {"body": "Hello", "community": ""})
    assert response.status_code == 302
    assert replica.COOKIE not in response.cookies


# The real streaming replica ---------------------------------------------------------


@pytest.fixture(scope="module")
def servers():
    """A primary with a tiny company, a streaming replica of it, and gunicorn."""
    from bench.stack import PrivatePostgres, pg_port, wait_until

    from .conftest import missing_service
    from .served_app import app_env, build_tiny_company, serve

    if reason := missing_service("replica"):
        pytest.skip(reason)
    primary = PrivatePostgres(pg_port()).init()
    standby = web = None
    try:
        primary.start()
        database = primary.create_database("rse_replica")
        env = app_env(
            database,
            RSE_BENCH="true",  # the X-Bench-Databases header: which servers answered
            RSE_REPLICA_STICKY_SECONDS="3600",  # the test drops the marker itself
        )
        build_tiny_company(env)
        standby = primary.replica()
        wait_until(lambda: standby.caught_up_with(primary), "replica caught up", 120)
        # One worker: the sign-ins warm it (a worker's first request also reads the
        # primary, for Django's own caches), so the pages timed read the replica only.
        web = serve({**env, "DATABASE_REPLICA_URL": f"{standby.url}/rse_replica"}, workers=1)
        yield primary, standby, web.base
    finally:
        if web is not None:
            web.stop()
        if standby is not None:
            standby.destroy()
        primary.destroy()


def _forget_writes(browser) -> None:
    """Drop the read-your-writes marker: the browser reads like one that never wrote."""
    for cookie in list(browser.cookies):
        if cookie.name == replica.COOKIE:
            browser.cookies.clear(cookie.domain, cookie.path, cookie.name)
    assert not any(isinstance(c, Cookie) and c.name == replica.COOKIE for c in browser.cookies)


@pytest.mark.postgres
@pytest.mark.replica
def test_pages_read_the_replica_writes_go_to_the_primary_and_writers_read_their_own(servers):
    from bench.generate import BENCH_PASSWORD
    from bench.runner import Browser
    from bench.stack import wait_until

    primary, standby, base = servers
    emails = primary.sql(
        "SELECT email FROM profiles_user WHERE kind = 'employee' AND is_active ORDER BY id LIMIT 2",
        "rse_replica",
    ).split()
    # A generous bound on each request: the machine may be busy (no timing is asserted).
    author, reader = Browser(base, timeout=90), Browser(base, timeout=90)
    author.sign_in(emails[0], BENCH_PASSWORD)
    reader.sign_in(emails[1], BENCH_PASSWORD)
    # The sessions written at sign-in reach the replica, then both read like anyone.
    wait_until(lambda: standby.caught_up_with(primary), "replica caught up", 120)
    _forget_writes(author)
    _forget_writes(reader)

    status, headers, _ = reader.get("/")
    assert status == 200
    assert headers["X-Bench-Databases"] == "replica"

    standby.pause_replay()  # from here on, the replica lags as long as the test wants
    try:
        status, headers, _ = author.post(
            "/posts/new/", {"body": "Written on the primary only, for now.", "community": ""}
        )
        assert status == 302
        assert headers["X-Bench-Databases"] == "default"
        assert any(cookie.name == replica.COOKIE for cookie in author.cookies)
        path = headers["Location"]
        post_id = path.rstrip("/").rsplit("/", 1)[1]
        query = f"SELECT count(*) FROM posts_post WHERE id = {int(post_id)}"  # noqa: S608
        assert primary.sql(query, "rse_replica") == "1"
        assert standby.sql(query, "rse_replica") == "0"

        # The author sees their post at once: their requests read the primary.
        status, headers, page = author.get(path)
        assert status == 200 and b"Written on the primary only" in page
        assert headers["X-Bench-Databases"] == "default"
        # Anyone else reads the replica, which has not got it yet.
        status, headers, _ = reader.get(path)
        assert status == 404
        assert headers["X-Bench-Databases"] == "replica"
    finally:
        standby.resume_replay()
    wait_until(lambda: standby.caught_up_with(primary), "replica caught up", 120)
    status, headers, page = reader.get(path)
    assert status == 200 and b"Written on the primary only" in page
    assert headers["X-Bench-Databases"] == "replica"
