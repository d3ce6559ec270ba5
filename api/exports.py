"""This app's section of "Download my data" (registry: core.exports): the person's API
tokens, feed key and the applications they authorised — names and dates, never a secret."""

from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_access_token_model

from core import exports

from .models import FeedToken, PersonalAccessToken


@exports.section("api_tokens", _("API tokens, feed key and authorised applications"), order=96)
def api_tokens(user) -> exports.Rows:
    rows: exports.Rows = [
        {
            "kind": "token",
            "name": t.name,
            "scopes": t.scopes,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": t.last_used_at,
            "revoked_at": t.revoked_at,
        }
        for t in PersonalAccessToken.objects.filter(user=user).order_by("pk")
    ]
    rows += [
        {"kind": "feed_key", "created_at": at}
        for at in FeedToken.objects.filter(user=user).values_list("created_at", flat=True)
    ]
    access_tokens = get_access_token_model().objects.filter(user=user).select_related("application")
    rows += [
        {
            "kind": "authorised_application",
            "application": t.application.name if t.application else None,
            "scope": t.scope,
            "created_at": t.created,
            "expires_at": t.expires,
        }
        for t in access_tokens.order_by("pk")
    ]
    return rows
