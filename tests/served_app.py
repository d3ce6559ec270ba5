"""The app as production runs it, for the tests that need real servers around it (a
streaming replica, PgBouncer): a tiny company built in a private PostgreSQL database,
then served by gunicorn (bench.runner.Server) with the environment given."""

import os
import subprocess


def app_env(database_url: str, **settings: str) -> dict:
    """The process environment of the app on `database_url`: this process's, without
    the test run's own settings, with production's defaults and `settings` on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "RSE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="rse.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECRET_KEY="served-app-test-only-secret-key-" + "x" * 40,
        REDIS_URL="",
        CELERY_BROKER_URL="",
        **settings,
    )
    return env


def build_tiny_company(env: dict) -> None:
    from bench.runner import PYTHON, ROOT

    for command in (["migrate", "--no-input", "-v0"], ["generate_company", "--size", "tiny"]):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def serve(env: dict, workers: int = 2):
    """gunicorn on a free port, started: generous timeouts, the machine may be busy."""
    from bench.runner import Server

    web = Server(env, workers=workers, worker_timeout=120)
    try:
        web.wait(within=120)
    except BaseException:
        web.stop()
        raise
    return web
