from .viewer import Viewer


class ViewerMiddleware:
    """`request.viewer`: who asks, read once per request (its parts when first asked).
    Placed after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.viewer = Viewer(request.user)
        return self.get_response(request)
