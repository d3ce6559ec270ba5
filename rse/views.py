from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


@login_required
@require_GET
def home(request):
    """The home stream: what my communities, the communities, people and tags I follow,
    and I myself posted — newest first, page after page (see posts.selectors)."""
    from posts import permissions as post_permissions
    from posts import selectors as post_selectors
    from posts.forms import PostForm
    from posts.views import render_stream

    which = request.GET.get("filter", "all")
    if which not in post_selectors.STREAM_FILTERS:
        which = "all"
    context = {
        "filter": which,
        "filters": post_selectors.STREAM_FILTERS,
        "may_post": post_permissions.can_contribute(request.user, None),
        "form": PostForm(),
    }
    if not request.GET.get("cursor"):
        # Shown when the stream is empty only: read then, not on every visit.
        context["suggestions"] = SimpleLazyObject(
            lambda: post_selectors.suggestions_for(request.user)
        )
    # The sources say which posts the stream holds; the page re-checks only the reading
    # rule (repeating every source's condition made PostgreSQL hash each followed tag).
    return render_stream(
        request,
        "home.html",
        context,
        post_selectors.posts_readable_by(request.user),
        sources=post_selectors.home_sources(request.user, which),
    )


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
