"""HTTP hardening that holds for every page, in one place (README, "Security")."""

import re

from django.core.exceptions import BadRequest

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
