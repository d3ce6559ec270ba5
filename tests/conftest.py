"""Shared fixtures: the standing cast of users, and the gates for real services.

Tests marked `postgres`, `redis`, `browser`, `idp`, `ldap`, `faults`, `replica` or
`pgbouncer` skip, with the reason, where the service is missing. CI sets
RSE_REQUIRE_SERVICES (.ci/run) so that a missing service fails the run instead of
skipping silently.
"""

import os
import shutil
import zlib
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import factory.random
import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from access.roles import site_moderators_group_name

from .factories import ExternalFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("RSE_CHROMIUM", "/usr/bin/chromium")
OIDC_PROVIDER_JS = ROOT / "node_modules" / "oidc-provider" / "package.json"


@cache
def missing_service(name: str) -> str | None:
    """Why the service `name` cannot be used here, or None when it can."""
    if name == "postgres":
        if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
            return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    elif name == "redis":
        if not settings.REDIS_URL:
            return "needs Redis: set REDIS_URL=redis://…"
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            return f"Redis at REDIS_URL does not answer: {exc}"
    elif name == "ldap":
        from . import ldap_server

        return ldap_server.missing()
    elif name == "faults":
        from bench import stack

        return stack.missing()
    elif name == "replica":
        from bench import stack

        for program in ("initdb", "pg_basebackup"):
            if not (stack.PG_BIN / program).exists():
                return f"needs PostgreSQL's {program} in {stack.PG_BIN} (set RSE_PG_BIN)"
        if os.geteuid() == 0 and not shutil.which("runuser"):
            return "needs runuser to start PostgreSQL as the postgres user"
    elif name == "pgbouncer":
        from bench import stack

        return stack.pgbouncer_missing()
    elif name == "browser":
        if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
            return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
        if not AXE_JS.exists():
            return "needs axe-core: run `npm ci` (make test does it when npm is installed)"
    elif name == "idp":
        if not shutil.which("node"):
            return "needs Node.js for the test identity providers (apt-get install nodejs npm)"
        if not OIDC_PROVIDER_JS.exists():
            return "needs oidc-provider: run `npm ci` (make test does it when npm is installed)"
        if not shutil.which("xmlsec1"):
            return (
                "needs the xmlsec1 program for the SAML identity provider (apt-get install xmlsec1)"
            )
    return None


def pytest_configure(config: pytest.Config) -> None:
    # With DATABASE_REPLICA_URL set, the `replica` alias is a test mirror of the
    # primary (rse/settings.py): the tests read and write the primary only.
    # tests/test_replica.py runs a real streaming replica of its own.
    settings.RSE_REPLICA_READS = False
    # Parallel workers each get their own Redis cache database, since clearing the
    # cache between tests (below) flushes the whole database.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if settings.REDIS_URL and worker.startswith("gw"):
        url = urlsplit(settings.REDIS_URL)
        base = int(url.path.strip("/") or 0)
        database = (base + 1 + int(worker[2:])) % 16
        settings.CACHES["default"]["LOCATION"] = url._replace(path=f"/{database}").geturl()


def pytest_runtest_setup(item: pytest.Item) -> None:
    required = {s.strip() for s in os.environ.get("RSE_REQUIRE_SERVICES", "").split(",")}
    for name in ("postgres", "redis", "browser", "idp", "ldap", "faults", "replica", "pgbouncer"):
        if item.get_closest_marker(name) is None:
            continue
        reason = missing_service(name)
        if reason and name in required:
            pytest.fail(f"{name} is required here (RSE_REQUIRE_SERVICES) but {reason}")
        if reason:
            pytest.skip(reason)


@pytest.fixture
def tasks_run_here(monkeypatch):
    """Celery tasks run in the test process, even when REDIS_URL makes Celery use a
    broker (for tests that look at the e-mails the tasks send)."""
    from rse.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


# The audit tables refuse TRUNCATE (audit/migrations/0004): so would the flush that
# ends each transactional test. The test databases only let it through; the test of the
# refusal switches it back on inside its own transaction.
AUDIT_TRUNCATE_TRIGGERS = {
    "audit_auditentry": "audit_entry_no_truncate",
    "audit_auditcheckpoint": "audit_checkpoint_no_truncate",
    "audit_auditchainhead": "audit_head_no_truncate",
}


def allow_flush_of_audit_tables() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table, trigger in AUDIT_TRUNCATE_TRIGGERS.items():
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        allow_flush_of_audit_tables()


@pytest.fixture(autouse=True)
def _seeded_factories(request):
    """Generated names and values come from a seed made of the test's own id: the same
    data at every run (no test passes or fails by the luck of a random name), other data
    from test to test. RSE_TEST_SEED=N shifts every seed, to try other data."""
    seed = zlib.crc32(request.node.nodeid.encode()) ^ int(os.environ.get("RSE_TEST_SEED", "0"))
    request.node.stash[SEED_KEY] = seed
    factory.random.reseed_random(seed)


SEED_KEY = pytest.StashKey[int]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """A failed test says which seed its data came from (the same at every run unless
    RSE_TEST_SEED shifts it), so the failure can be replayed."""
    report = yield
    seed = item.stash.get(SEED_KEY, None)
    if report.failed and seed is not None:
        shift = os.environ.get("RSE_TEST_SEED", "0")
        report.sections.append(
            (
                "Generated data",
                f"factory seed {seed} (test id crc32 ^ RSE_TEST_SEED={shift}); "
                f"replay with RSE_TEST_SEED={shift} pytest '{item.nodeid}'",
            )
        )
    return report


@pytest.fixture(autouse=True)
def _audit_anchor_in_tmp(settings, tmp_path):
    """Each test has its own (empty) anchor file for the audit chain."""
    settings.AUDIT_ANCHOR_PATH = tmp_path / "audit_anchor"


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in French leaves French active on this worker: start the next test
    from the default language."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Rate-limit counters live in the cache: each test starts from a clean slate."""
    from django.core.cache import cache as django_cache

    django_cache.clear()
    yield
    django_cache.clear()


@pytest.fixture(autouse=True)
def _no_default_quiet_hours(settings):
    """E-mails are held outside working hours (alerts.quiet); the tests that are not
    about it do not freeze the clock, so only those who set their hours are held.
    The quiet-hours tests switch the default back on, with a frozen clock."""
    settings.RSE_QUIET_HOURS_DEFAULT = False


# The standing cast: a test reads like a sentence.
@pytest.fixture
def employee(db):
    return UserFactory(first_name="Camille", last_name="Martin")


@pytest.fixture
def site_moderator(db):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=site_moderators_group_name())[0])
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def external(db):
    return ExternalFactory()


@pytest.fixture
def former_employee(db):
    return UserFactory(is_active=False)


# The company's identity provider for the SSO tests (marked `idp`): one real OpenID
# provider per test process, and RSE configured to use it as "Acme".
@pytest.fixture(scope="session")
def oidc_provider():
    from .idp.oidc import CALLBACK, OIDCProvider

    if reason := missing_service("idp"):
        pytest.skip(reason)
    provider = OIDCProvider(redirect_uris=[CALLBACK])
    yield provider
    provider.stop()


@pytest.fixture
def idp(settings, oidc_provider):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            **settings.SOCIALACCOUNT_PROVIDERS["openid_connect"],
            "APPS": [oidc_provider.app()],
        }
    }
    return oidc_provider
