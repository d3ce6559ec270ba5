"""allauth's OpenID Connect provider, made strict.

allauth skips the ID token's signature when the token came straight from the token
endpoint, and sends no nonce. A company sign-in checks both: every ID token is verified
against the provider's published keys (issuer, audience, expiry, signature), and its
nonce must be the one sent with this browser's authorization request.
"""

import secrets

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from .views import CompanyOIDCAdapter

NONCE_STATE_KEY = "oidc_nonce"


class CompanyOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = CompanyOIDCAdapter
    # Our URL patterns (the same names as allauth's, with the strict views and the
    # back-channel logout endpoint).
    package = "identity.oidc"

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        nonce = secrets.token_urlsafe(32)
        auth_params["nonce"] = nonce
        # The nonce is kept with allauth's state (in this browser's session) and compared
        # with the ID token's by the social account adapter.
        return super().redirect(
            request,
            process,
            next_url,
            data,
            auth_params=auth_params,
            **{NONCE_STATE_KEY: nonce},
            **kwargs,
        )

    def extract_email_addresses(self, data):
        # A provider that sends no `email_verified` (Entra ID) is trusted for the
        # domains listed in its app's "verified_email" setting.
        adapter = get_adapter()
        addresses = super().extract_email_addresses(data)
        for address in addresses:
            address.verified = address.verified is True or str(address.verified).lower() == "true"
            if not address.verified:
                address.verified = adapter.is_email_verified(self, address.email)
        return addresses

    def get_oauth2_adapter(self, request):
        return self.oauth2_adapter_class(request, self.app.provider_id)


provider_classes = [CompanyOIDCProvider]
