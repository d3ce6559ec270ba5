"""The API's own gate: a person (an active account) calls with the scope the method
needs. Every rule about what they may read or do is the access core's."""

from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .authentication import scopes_of
from .models import Scope


def needed_scope(request, view) -> str:
    wanted = getattr(view, "required_scope", None)
    if wanted:
        return wanted
    return Scope.READ if request.method in SAFE_METHODS else Scope.WRITE


class PersonWithScope(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        scope = needed_scope(request, view)
        if scope not in scopes_of(request.auth):
            self.message = _("This token lacks the “%(scope)s” scope.") % {"scope": scope}
            return False
        return True
