"""The app through PgBouncer in transaction mode (README, "Capacity"): a private
PostgreSQL, a private PgBouncer in front of it (bench/stack.py) and gunicorn with
DATABASE_PGBOUNCER=true and a connection per request, as production would run them.
A person signs in, posts, and reads their home, the post and a search; PgBouncer's own
counters show that every one of those transactions went through its pool."""

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.pgbouncer]


@pytest.fixture(scope="module")
def stack():
    from bench.stack import PrivatePgBouncer, PrivatePostgres, pg_port

    from .conftest import missing_service
    from .served_app import app_env, build_tiny_company, serve

    for service in ("faults", "pgbouncer"):
        if reason := missing_service(service):
            pytest.skip(reason)
    server = PrivatePostgres(pg_port()).init()
    bouncer = web = None
    try:
        server.start()
        database = server.create_database("rse_pooled")
        env = app_env(database)
        build_tiny_company(env)
        bouncer = PrivatePgBouncer(server.port, pool_size=2)
        bouncer.start()
        web = serve(
            {**env, "DATABASE_URL": f"{bouncer.url}/rse_pooled", "DATABASE_PGBOUNCER": "true",
             "DATABASE_CONN_MAX_AGE": "0"}
        )  # fmt: skip
        yield server, bouncer, web.base
    finally:
        if web is not None:
            web.stop()
        if bouncer is not None:
            bouncer.destroy()
        server.destroy()


def test_sign_in_post_and_pages_work_through_pgbouncer_in_transaction_mode(stack):
    from bench.generate import BENCH_PASSWORD
    from bench.runner import Browser

    server, bouncer, base = stack
    email = server.sql(
        "SELECT email FROM profiles_user WHERE kind = 'employee' AND is_active ORDER BY id LIMIT 1",
        "rse_pooled",
    )
    before = bouncer.stats("rse_pooled")
    browser = Browser(base, timeout=90)
    browser.sign_in(email, BENCH_PASSWORD)
    status, headers, _ = browser.post(
        "/posts/new/", {"body": "Pooled connections hold. #pgbouncer", "community": ""}
    )
    assert status == 302
    path = headers["Location"]
    for page in ("/", path, "/search/?q=pooled"):
        status, _, body = browser.get(page)
        assert status == 200, page
        assert b"connections hold." in body, page  # the search marks the word it found
    after = bouncer.stats("rse_pooled")
    # Every request's transactions went through the pool: sign-in, post, three pages.
    assert after["total_xact_count"] - before.get("total_xact_count", 0) >= 5
    assert after["total_query_count"] > before.get("total_query_count", 0)
