"""Verification of OpenID Connect back-channel logout tokens (spec section 2.6)."""

from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error

EVENT = "http://schemas.openid.net/event/backchannel-logout"


def verify(provider, token: str, request) -> dict:
    """The claims of a valid logout token for `provider`'s client; OAuth2Error if not:
    signature against the provider's keys, issuer, audience, expiry, the logout event,
    a subject, no nonce, and never the same token twice."""
    if not token:
        raise OAuth2Error("logout_token missing")
    config = provider.get_oauth2_adapter(request).openid_config
    claims = jwtkit.verify_and_decode(
        credential=token,
        keys_url=config["jwks_uri"],
        issuer=config["issuer"],
        audience=provider.app.client_id,
        lookup_kid=jwtkit.lookup_kid_jwk,
        verify_signature=True,
    )
    if not isinstance(claims.get("events"), dict) or EVENT not in claims["events"]:
        raise OAuth2Error("not a logout token (events)")
    if "nonce" in claims:
        raise OAuth2Error("a logout token carries no nonce")
    if not claims.get("sub"):
        raise OAuth2Error("logout token without a subject")
    if "iat" not in claims or "jti" not in claims:
        raise OAuth2Error("logout token without iat or jti")
    return claims
