"""Reachability of the services the site depends on, for the health checks.

`/healthz/live` says the process answers (no dependency: a load balancer or an
orchestrator restarts a process that stops answering it); `/healthz/ready` (and
`/healthz`, kept for existing probes) says whether it can serve: database, cache and
broker. Each check is bounded by a few seconds, so a probe never hangs on a dead
service.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

# The longest a check of the cache or the broker may wait (seconds).
CHECK_TIMEOUT = 2


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the reason is reported
        return f"error: {exc.__class__.__name__}"
    return "ok"


def cache_state() -> str:
    """'ok', 'local' (a per-process cache, nothing to reach) or 'error: …'.

    The shared cache swallows its errors for the pages (settings: IGNORE_EXCEPTIONS):
    this check asks Redis directly, so that it says when the cache is gone."""
    backend = str(settings.CACHES["default"]["BACKEND"])
    if backend.endswith("LocMemCache") or backend.endswith("DummyCache"):
        return "local"
    try:
        client = getattr(cache, "client", None)
        if client is not None and hasattr(client, "get_client"):  # django-redis
            client.get_client(write=True).ping()
        else:
            cache.set("rse:healthz", "1", timeout=CHECK_TIMEOUT)
            if cache.get("rse:healthz") != "1":
                return "error: not stored"
    except Exception as exc:  # redis-py and the backends raise their own errors
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_state() -> str:
    """'ok', 'not configured' (embedded mode, tasks run eagerly) or 'error: …'."""
    if settings.CELERY_TASK_ALWAYS_EAGER or settings.CELERY_BROKER_URL.startswith("memory://"):
        return "not configured"
    from rse.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT)
    except Exception as exc:  # kombu raises transport-specific errors
        return f"error: {exc.__class__.__name__}"
    return "ok"


def readiness() -> tuple[bool, dict[str, str]]:
    checks = {"database": database_state(), "cache": cache_state(), "broker": broker_state()}
    ready = all(state in {"ok", "local", "not configured"} for state in checks.values())
    return ready, checks


LIVE_PATH = "/healthz/live"


def live_response() -> JsonResponse:
    response = JsonResponse({"status": "ok"})
    add_never_cache_headers(response)
    return response


class LivenessMiddleware:
    """Answers /healthz/live first, before any middleware that could read the session,
    the signed-in user or anything else from the database: alive means the process
    answers, whatever the state of the services and whatever cookies the probe sends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A plain probe only: anything with a query string takes the whole way (and gets
        # the checks of the other middleware, such as control characters).
        if (
            request.path == LIVE_PATH
            and request.method in ("GET", "HEAD")
            and not request.META.get("QUERY_STRING")
        ):
            return live_response()
        return self.get_response(request)
