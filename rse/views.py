from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker (if configured) answer, 503 otherwise."""
    checks = {"database": health.database_state(), "broker": health.broker_state()}
    healthy = all(state in {"ok", "not configured"} for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def csrf_failure(request, reason: str = ""):
    """A form refused by the CSRF check: said in the person's language, with a way back
    (Django's own page is technical and English only)."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE
    from django.shortcuts import render

    return render(
        request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403
    )
