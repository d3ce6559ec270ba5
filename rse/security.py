"""HTTP hardening that holds for every page, in one place (README, "Security")."""

import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponse
from django.template import loader

# Control characters (C0, DEL, C1) have no business in an address. A NUL byte even makes
# PostgreSQL refuse the query it ends up in. Tabs and line breaks are tolerated in query
# values (a pasted search), never in the path nor in a parameter's name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(request) -> bool:
    if _CONTROL.search(request.path):
        return True
    return any(
        _CONTROL.search(name) or any(_CONTROL_IN_VALUE.search(value) for value in values)
        for name, values in request.GET.lists()
    )


class ControlCharactersMiddleware:
    """Refuses, with the site's 400 page, any request whose path or query parameters
    hold control characters, before any view or form reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request):
            raise BadRequest("Control character in the request's address.")
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuses a request body larger than RSE_REQUEST_MAX_BYTES with 413, from the length
    it announces, before a byte of it is read (or written to a temporary file). Django
    reads no more than that length, and nothing of a body that announces none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.RSE_REQUEST_MAX_BYTES:
            return HttpResponse(loader.render_to_string("413.html"), status=413)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """What a signed-in person sees is never kept by a browser's or a proxy's cache
    (shared computers, the back button after signing out): `Cache-Control: private,
    no-store` on every answer to them that sets no caching of its own (the photos and
    attachments set `private` with a lifetime)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response.headers["Cache-Control"] = "private, no-store"
        return response
