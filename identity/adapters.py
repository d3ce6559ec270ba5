"""allauth adapters for the company sign-in.

CompanySocialAccountAdapter decides who may come in through the company's identity
provider; CompanyAccountAdapter adds the local password policy to the profiles one.
"""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.shortcuts import render

from profiles.adapters import CompanyAccountAdapter as ProfilesAccountAdapter
from profiles.adapters import email_domain_allowed

from . import mapping, services
from .oidc.provider import NONCE_STATE_KEY


def app_attribute_overrides(sociallogin) -> dict:
    app = getattr(sociallogin.provider, "app", None)
    return (app.settings.get("attributes") if app is not None else None) or {}


class CompanySocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Just-in-time accounts: pre_social_login has already checked the address.
        return True

    def can_authenticate_by_email(self, login, email: str) -> bool:
        # Only addresses of the company's domains link to an existing account.
        return email_domain_allowed(email) and super().can_authenticate_by_email(login, email)

    def pre_social_login(self, request, sociallogin) -> None:
        account = sociallogin.account
        provider = account.provider
        claims = mapping.claims_of(account.extra_data or {})
        attributes = mapping.map_attributes(claims, app_attribute_overrides(sociallogin))
        user = sociallogin.user if sociallogin.user is not None and sociallogin.user.pk else None
        emails = [a for a in sociallogin.email_addresses if a.email]
        email = emails[0].email if emails else (attributes.get("email") or "")

        def refuse(reason: str):
            services.identity_refuse(
                request=request,
                provider=provider,
                uid=account.uid,
                email=email,
                reason=reason,
                user=user,
            )
            raise ImmediateHttpResponse(
                render(request, "identity/refused.html", {"reason": reason}, status=403)
            )

        if sociallogin.provider.id == "openid_connect":
            expected = (sociallogin.state or {}).get(NONCE_STATE_KEY)
            if not expected or (claims.get("nonce") != expected):
                refuse("nonce")
        if attributes["enabled"] is False:
            refuse("disabled")
        if not email or not email_domain_allowed(email):
            refuse("foreign_domain")
        if not any(a.verified for a in emails):
            refuse("unverified_email")
        if attributes["kind"] == "external" and (user is None or not user.is_external):
            refuse("external_not_invited")
        if user is not None:
            services.identity_attributes_apply(
                user=user, attributes=attributes, provider=provider, request=request
            )

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        # A refused answer of the provider (an ID token that fails its checks, an error
        # it returned) is recorded; a person who cancelled at the provider is not.
        if error != "cancelled":
            app = getattr(provider, "app", None)
            services.identity_refuse(
                request=request,
                provider=getattr(app, "provider_id", "") or provider.id,
                uid="",
                email="",
                reason="provider_error",
                detail=str(exception or error or "")[:200],
            )
        super().on_authentication_error(
            request, provider, error=error, exception=exception, extra_context=extra_context
        )

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        claims = mapping.claims_of(sociallogin.account.extra_data or {})
        attributes = mapping.map_attributes(claims, app_attribute_overrides(sociallogin))
        for field in mapping.USER_FIELDS:
            if attributes.get(field):
                setattr(user, field, attributes[field])
        user.kind = user.Kind.EMPLOYEE
        return user


class CompanyAccountAdapter(ProfilesAccountAdapter):
    """Local accounts: with RSE_LOCAL_PASSWORDS=externals-only, employees have none."""

    def is_open_for_signup(self, request) -> bool:
        if settings.RSE_LOCAL_PASSWORDS == "externals-only":
            return False
        return super().is_open_for_signup(request)

    def authenticate(self, request, **credentials):
        # The sign-in page already sends company addresses to the provider; this holds
        # for any other way in to a local password (an employee's non-company address).
        user = super().authenticate(request, **credentials)
        if (
            user is not None
            and settings.RSE_LOCAL_PASSWORDS == "externals-only"
            and not user.is_external
        ):
            return None
        return user

    def get_signup_redirect_url(self, request) -> str:
        # A person whose account was just created by a company sign-in: the charter first.
        return self.get_login_redirect_url(request)
