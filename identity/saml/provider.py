"""allauth's SAML provider, with what a company sign-in needs on top: an assertion is
accepted once (replay refused), addresses are trusted as verified only as configured,
and the assertion's AuthnContext is kept so that a multi-factor sign-in counts."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

AUTHN_CONTEXT_KEY = "acr"


class CompanySAMLProvider(SAMLProvider):
    # allauth's URL patterns and views, with the single logout endpoint audited.
    package = "identity.saml"

    def sociallogin_from_response(self, request, response):
        self._refuse_replay(request, response)
        sociallogin = super().sociallogin_from_response(request, response)
        sociallogin.account.extra_data = {
            **sociallogin.account.extra_data,
            AUTHN_CONTEXT_KEY: list(response.get_last_authn_contexts() or []),
        }
        adapter = get_adapter()
        for address in sociallogin.email_addresses:
            if not address.verified:
                address.verified = adapter.is_email_verified(self, address.email)
        return sociallogin

    def _refuse_replay(self, request, response) -> None:
        assertion_id = response.get_last_assertion_id()
        not_after = response.get_last_assertion_not_on_or_after()
        timeout = max(int((not_after or 0) - timezone.now().timestamp()), 0) + 300
        key = f"saml:assertion:{self.app.client_id}:{assertion_id}"
        if not assertion_id or not cache.add(key, True, timeout=timeout):
            from identity import services

            services.identity_refuse(
                request=request,
                provider=self.app.provider_id or self.app.client_id,
                uid="",
                email="",
                reason="replay",
            )
            raise ImmediateHttpResponse(
                render(request, "identity/refused.html", {"reason": "replay"}, status=403)
            )


provider_classes = [CompanySAMLProvider]
