"""Errors as RFC 9457 problem details (`application/problem+json`), everywhere in the
API: 400 with the fields at fault, 401, 403 (the charter gate names the charter's
address), 404, 405, 406, 415, 429 (with Retry-After) and 500.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from charter.permissions import CharterNotAccepted

PROBLEM_TYPE = "https://rse.example/problems/"  # a stable identifier, not fetched
CONTENT_TYPE = "application/problem+json"


class CharterRequired(exceptions.PermissionDenied):
    default_code = "charter-not-accepted"


def problem(status_code: int, title, detail: str = "", *, kind: str = "", **extra) -> dict:
    body = {
        "type": PROBLEM_TYPE + (kind or str(status_code)),
        "title": str(title),
        "status": status_code,
    }
    if detail:
        body["detail"] = detail
    body.update(extra)
    return body


def _messages(error: DjangoValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def exception_handler(exc, context):
    """DRF's handler, with Django's own exceptions translated first (services raise
    ValidationError and PermissionDenied; selectors raise Http404)."""
    request = context.get("request")
    if isinstance(exc, CharterNotAccepted):
        charter_url = reverse("charter:current")
        if request is not None:
            charter_url = request.build_absolute_uri(charter_url)
        body = problem(
            403,
            _("Charter not accepted"),
            str(CharterNotAccepted.message),
            kind="charter-not-accepted",
            charter_url=charter_url,
        )
        return _response(body, 403)
    if isinstance(exc, DjangoValidationError):
        return _response(problem(400, _("Invalid request"), _messages(exc), kind="invalid"), 400)
    if isinstance(exc, DjangoPermissionDenied):
        detail = str(exc) or _("You may not do this.")
        return _response(problem(403, _("Forbidden"), detail, kind="forbidden"), 403)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            code,
            _("Invalid request"),
            _("Some fields are not valid: see errors."),
            kind="invalid",
            errors=data if isinstance(data, dict) else {"non_field_errors": data},
        )
    else:
        detail = data.get("detail", "") if isinstance(data, dict) else ""
        kind = getattr(exc, "default_code", "") or str(code)
        body = problem(code, TITLES.get(code, gettext_lazy("Error")), str(detail), kind=str(kind))
    response.data = body
    response.content_type = CONTENT_TYPE
    return response


def _response(body: dict, code: int) -> Response:
    return Response(body, status=code, content_type=CONTENT_TYPE)


TITLES = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Not authenticated"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    413: gettext_lazy("Request too large"),
    415: gettext_lazy("Unsupported media type"),
    429: gettext_lazy("Too many requests"),
}


@csrf_exempt  # nothing is done here: a POST to no endpoint is a 404, not a CSRF failure
def not_found(request, *args, **kwargs):
    """Any address under /api/ that no endpoint serves."""
    body = problem(404, TITLES[404], _("There is no such endpoint."), kind="not_found")
    return JsonResponse(body, status=status.HTTP_404_NOT_FOUND, content_type=CONTENT_TYPE)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception):
    """handler400: a problem body under /api/ (a control character in the address...),
    the site's page elsewhere."""
    if is_api(request):
        body = problem(400, TITLES[400], _("This request is malformed."), kind="invalid")
        return JsonResponse(body, status=400, content_type=CONTENT_TYPE)
    return defaults.bad_request(request, exception)


def server_error(request, *, retry_after: int | None = None):
    """A failed request under /api/ (rse.views.server_error, handler500, sends here): a
    problem body; 503 with Retry-After when the database is restarting."""
    if retry_after is not None:
        body = problem(503, gettext_lazy("Service unavailable"), kind="unavailable")
        response = JsonResponse(body, status=503, content_type=CONTENT_TYPE)
        response.headers["Retry-After"] = str(retry_after)
        return response
    body = problem(500, gettext_lazy("Server error"), kind="server-error")
    return JsonResponse(body, status=500, content_type=CONTENT_TYPE)
