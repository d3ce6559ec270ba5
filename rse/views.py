import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import server_error as django_server_error

from api import problems as api_problems

from . import health


@never_cache
@require_GET
def healthz_live(request):
    """Alive: the process answers. Touches no database, cache or broker, so a load
    balancer never restarts web workers because a service they depend on is down."""
    return health.live_response()


@never_cache
@require_GET
def healthz_ready(request):
    """Ready: 200 when the database, the shared cache and the broker (those configured)
    answer, 503 otherwise (take the instance out of the pool, do not restart it).
    `/healthz` answers the same, for the probes written before the split."""
    ready, checks = health.readiness()
    return JsonResponse(
        {"status": "ok" if ready else "error", **checks}, status=200 if ready else 503
    )


def csrf_failure(request, reason: str = ""):
    """A form refused by the CSRF check: said in the person's language, with a way back
    (Django's own page is technical and English only)."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE
    from django.shortcuts import render

    return render(
        request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403
    )


# How long a client is asked to wait before trying again after a 503 (seconds).
RETRY_AFTER_SECONDS = 10


def _database_unavailable(exc: BaseException | None) -> bool:
    """The database cannot be reached or dropped the connection (restart, failover),
    as opposed to a bug in a query."""
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if not isinstance(exc, DatabaseError):
            exc = exc.__cause__ or exc.__context__
            continue
        return False
    return False


def server_error(request, template_name: str = "500.html"):
    """handler500. Under /api/, a problem body (api.problems). A database that is
    restarting or gone gets the site's 503 page
    (standalone: no context processor, no query), in the person's language, with
    Retry-After; any other error Django's 500 page."""
    unavailable = _database_unavailable(sys.exc_info()[1])
    if api_problems.is_api(request):
        return api_problems.server_error(
            request, retry_after=RETRY_AFTER_SECONDS if unavailable else None
        )
    if not unavailable:
        return django_server_error(request, template_name)
    translation.activate(translation.get_language_from_request(request))
    body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
