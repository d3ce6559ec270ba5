"""allauth's signals about company sign-ins go to the identity services."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.dispatch import receiver

from . import mapping, services
from .adapters import app_attribute_overrides
from .middleware import forget_mfa_state


@receiver(account_signals.user_signed_up, dispatch_uid="identity_signed_up")
def on_signed_up(sender, request, user, sociallogin=None, **kwargs) -> None:
    if sociallogin is None:
        return
    claims = mapping.claims_of(sociallogin.account.extra_data or {})
    services.identity_account_created(
        user=user,
        attributes=mapping.map_attributes(claims, app_attribute_overrides(sociallogin)),
        provider=sociallogin.account.provider,
        uid=sociallogin.account.uid,
        request=request,
    )


@receiver(account_signals.user_logged_in, dispatch_uid="identity_logged_in")
def on_logged_in(sender, request, user, sociallogin=None, **kwargs) -> None:
    if sociallogin is None:
        return
    claims = mapping.claims_of(sociallogin.account.extra_data or {})
    services.identity_sso_login(
        user=user,
        provider=sociallogin.account.provider,
        uid=sociallogin.account.uid,
        mfa=mapping.mfa_asserted(claims),
        linked_email=getattr(sociallogin, "_did_authenticate_by_email", None),
        request=request,
    )


@receiver(mfa_signals.authenticator_added, dispatch_uid="identity_mfa_added")
@receiver(mfa_signals.authenticator_removed, dispatch_uid="identity_mfa_removed")
def on_authenticator_changed(sender, request, user, **kwargs) -> None:
    if request is not None:
        forget_mfa_state(request)
