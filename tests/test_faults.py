"""Graceful degradation against real services that go away (README, "Operations"): the
app served by gunicorn on a private PostgreSQL and a private Redis (bench/stack.py),
which the tests stop and start again.

- Redis stopped: pages still serve (the cache answers misses, sessions are in the
  database), writes succeed, readiness says what is missing, liveness stays up; the
  e-mail a write asked for goes out once when Redis is back (the outbox sweep).
- PostgreSQL stopped: requests answer the site's 503 page at once, in the person's
  language; when it is back, the same web workers serve again (no restart).
"""

import json
import urllib.request

import pytest

from bench.soak import Stack
from bench.stack import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.faults]


@pytest.fixture(scope="module")
def stack():
    from .conftest import missing_service

    if reason := missing_service("faults"):
        pytest.skip(reason)
    running = Stack("tiny", workers=2, seed=1, log=print)
    # The sweep takes every unsent e-mail at once (the default leaves it 2 minutes).
    running.extra_env["NOTIFICATIONS_EMAIL_SWEEP_GRACE_MINUTES"] = "0"
    try:
        running.build()
        running.cast = running.query({"ask": "cast", "people": 6})
        running.start_web()
        wait_until(running.ready, "gunicorn ready", 120)
        yield running
    finally:
        running.stop()


def _signed_in(stack):
    from bench.runner import Browser
    from bench.soak import BENCH_PASSWORD

    person = stack.cast["people"][0]
    browser = Browser(stack.base)
    browser.sign_in(person["email"], BENCH_PASSWORD)
    return browser, person


def _get(browser, path: str, language: str = "en") -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 - the test server on 127.0.0.1
        browser.base + path, headers={"Accept-Language": language}
    )
    try:
        with browser.raw.open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_with_redis_down_pages_serve_and_the_email_goes_out_once_it_is_back(stack):
    browser, person = _signed_in(stack)
    slug = person["communities"][0]
    colleague = next(u for u in stack.cast["members"][slug] if u != person["username"])
    stack.redis.stop()
    try:
        assert _get(browser, "/")[0] == 200
        assert _get(browser, f"/communities/{slug}/")[0] == 200
        assert _get(browser, "/healthz/live")[0] == 200
        status, body = _get(browser, "/healthz/ready")
        assert status == 503
        checks = json.loads(body)
        assert checks["database"] == "ok"
        assert checks["cache"].startswith("error") and checks["broker"].startswith("error")
        written = browser.post(
            "/posts/new/", {"community": slug, "body": f"Redis away, hi @{colleague}", "tags": ""}
        )
        assert written[0] == 302  # the write succeeded; its e-mail waits in the outbox
    finally:
        stack.redis.start()
    assert stack.sink.delivered == []
    stack.start_worker()
    stack.manage(
        "shell", "-c", "from notifications.tasks import send_pending_emails as t; t.delay()"
    )
    wait_until(lambda: len(stack.sink.delivered) >= 1, "the e-mail after Redis returned", 120)
    stack.manage(
        "shell", "-c", "from notifications.tasks import send_pending_emails as t; t.delay()"
    )
    assert stack.ready()
    ids = [nid for _, nid in stack.sink.delivered]
    assert len(ids) == len(set(ids)) == 1  # once, not twice


def test_with_postgres_down_the_503_page_answers_then_the_same_workers_recover(stack):
    browser, _person = _signed_in(stack)
    workers = set(stack.web_children())
    stack.pg.stop("fast")
    try:
        status, page = _get(browser, "/", language="fr")
        assert status == 503
        assert '<html lang="fr">' in page and "momentanément indisponible" in page
        assert _get(browser, "/healthz/live")[0] == 200
        assert _get(browser, "/healthz/ready")[0] == 503
    finally:
        stack.pg.start()
    wait_until(lambda: _get(browser, "/")[0] == 200, "pages after PostgreSQL returned", 60)
    assert set(stack.web_children()) == workers
