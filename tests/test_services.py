"""Production settings, and the real Redis behind the broker and the shared cache."""

import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from .conftest import ROOT

PRODUCTION_ENV = {
    "RSE_PRODUCTION": "true",
    "SECRET_KEY": "x7#kq" * 12,
    "ALLOWED_HOSTS": "rse.example.com",
    "DATABASE_URL": "sqlite:////tmp/rse-deploy-check.sqlite3",
    "AUDIT_HMAC_KEY": "k3y-of-the-audit-chain-" * 2,
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "RSE_PRODUCTION",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "AUDIT_HMAC_KEY",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": ""}, "Production needs SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "Production needs SECRET_KEY"),
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": ""}, "Production needs ALLOWED_HOSTS"),
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({"AUDIT_HMAC_KEY": ""}, "Production needs AUDIT_HMAC_KEY"),
        ({"AUDIT_HMAC_KEY": "short"}, "Production needs AUDIT_HMAC_KEY"),
        ({"AUDIT_HMAC_KEY": "x7#kq" * 12}, "not SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(override, message):
    result = manage("check", **{**PRODUCTION_ENV, **override})

    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.redis
def test_healthz_reports_the_redis_broker(client, db):
    assert not settings.CELERY_TASK_ALWAYS_EAGER

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.redis
def test_sign_in_failures_are_counted_in_redis_shared_by_all_web_workers(client, employee):
    assert "RedisCache" in settings.CACHES["default"]["BACKEND"]
    raw = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    before = raw.dbsize()

    client.post(reverse("account_login"), {"login": employee.email, "password": "wrong"})

    assert raw.dbsize() > before


def test_a_new_database_migrates_and_takes_the_demo(tmp_path):
    """`make run` on a fresh clone: the database checks that `migrate` runs first (the
    role-drift check among them) must not read tables that do not exist yet."""
    database = f"sqlite:///{tmp_path / 'new.sqlite3'}"

    migrated = manage("migrate", "--no-input", DATABASE_URL=database)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    seeded = manage("seed_demo", DATABASE_URL=database)
    assert seeded.returncode == 0, seeded.stderr[-2000:]
    assert "camille.martin@example.com" in seeded.stdout
