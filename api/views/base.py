"""What every endpoint shares: who calls (a Viewer built from the authenticated person,
as the pages have one), the charter gate on writes, and ETags on reads."""

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from rest_framework.permissions import SAFE_METHODS
from rest_framework.views import APIView

from access.viewer import Viewer
from charter.permissions import CharterNotAccepted


class ApiView(APIView):
    # Allowed before accepting the charter (reading it and accepting it, for one).
    charter_exempt = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        viewer = Viewer(request.user)
        request._request.viewer = viewer
        gated = request.method not in SAFE_METHODS or settings.CHARTER_REQUIRED_TO_READ
        if gated and not self.charter_exempt and not viewer.charter_accepted:
            raise CharterNotAccepted(CharterNotAccepted.message)

    @property
    def viewer(self) -> Viewer:
        return self.request._request.viewer

    @property
    def user(self):
        return self.request.user

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Cookie", "Accept-Language"])
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            response["Cache-Control"] = "private, no-cache"
            set_response_etag(response)
            conditional = get_conditional_response(
                request._request, etag=response["ETag"], response=response
            )
            if conditional is not None:
                return conditional
        return response


def validated(serializer_class, request) -> dict:
    """The request's body checked by an input serializer (400 with the fields at fault)."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
