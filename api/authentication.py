"""Who calls the API: a personal access token, an OAuth 2.0 access token given to an
application by a person, or the site's own session (with its CSRF check).

Each authentication gives DRF `(user, auth)`; `auth` says which scopes the call has
(`scopes_of`). A token of a closed account, a revoked or expired token and an OAuth
token that acts for no person (client credentials) are all refused with 401.
"""

from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import authentication, exceptions

from .models import PersonalAccessToken, Scope
from .services import token_for

ALL_SCOPES = frozenset(Scope.values)


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer rse_pat_…`."""

    keyword = "Bearer"

    def authenticate(self, request):
        raw = _bearer(request)
        if raw is None or not raw.startswith("rse_pat_"):
            return None
        token = token_for(raw)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("This token is unknown, expired or revoked: create a new one.")
            )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class PersonOAuth2Authentication(OAuth2Authentication):
    """django-oauth-toolkit's access tokens, only when a person granted them: a token
    from the client credentials grant acts for no one, and the API serves people."""

    def authenticate(self, request):
        raw = _bearer(request)
        if raw is None or raw.startswith("rse_pat_"):
            return None
        found = super().authenticate(request)
        if found is None:
            raise exceptions.AuthenticationFailed(_("This access token is unknown or expired."))
        user, token = found
        if user is None:
            raise exceptions.AuthenticationFailed(
                _(
                    "This token acts for no person (client credentials): "
                    "use the authorization code flow."
                )
            )
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is closed."))
        return user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


def _bearer(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    kind, _space, value = header.partition(" ")
    if kind.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def scopes_of(auth) -> frozenset[str]:
    """The scopes a call has: a token's own; a session (the site itself) has them all."""
    if isinstance(auth, PersonalAccessToken):
        return frozenset(auth.scopes)
    scope = getattr(auth, "scope", None)  # an OAuth access token
    if isinstance(scope, str):
        return frozenset(scope.split()) & ALL_SCOPES
    return ALL_SCOPES
