from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme

from .permissions import CharterNotAccepted
from .selectors import read_charter_status

# What stays possible before accepting: reading the charter, one's account and profile,
# signing out, changing language, health checks, assets, and the admin (where the
# charter itself is managed).
ALWAYS_OPEN = (
    "/charter/",
    "/accounts/",
    "/me/",
    "/i18n/",
    "/healthz",
    "/static/",
    "/media/",
    "/admin/",
    "/api/",  # the API answers a problem body naming the charter (api.views.base)
)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class CharterGateMiddleware:
    """Sends a signed-in person who has not accepted the charter in force to /charter/:
    for any write (every contribution is a POST), and for reading too when
    CHARTER_REQUIRED_TO_READ is on. Services check it again (ensure_charter_accepted)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The status read once for the request: the viewer's (access.middleware runs
        # first), or read here when there is no viewer.
        viewer = getattr(request, "viewer", None)
        request.charter = SimpleLazyObject(
            lambda: viewer.charter if viewer is not None else read_charter_status(request.user)
        )
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if request.path.startswith(ALWAYS_OPEN):
            return self.get_response(request)
        is_write = request.method not in SAFE_METHODS
        if (is_write or settings.CHARTER_REQUIRED_TO_READ) and not request.charter["accepted"]:
            return self._to_charter(request, is_write)
        return self.get_response(request)

    def _to_charter(self, request, is_write: bool):
        if is_write:
            messages.warning(request, CharterNotAccepted.message)
        # After accepting, go back where they were: the page itself, or for a refused
        # write the page the form was on.
        back = request.META.get("HTTP_REFERER", "") if is_write else request.get_full_path()
        url = reverse("charter:current")
        if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            url += "?" + urlencode({"next": back})
        return redirect(url)
