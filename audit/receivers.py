"""Account-security events from django.contrib.auth and allauth go to the audit trail.

Signals are the integration point these libraries offer; each receiver only calls the
audit service.
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services


def _about_own_account(action: str, request, user, **details) -> None:
    services.record(action, actor=user, target=user, request=request, data=details)


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs) -> None:
    _about_own_account("auth.login", request, user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        _about_own_account("auth.logout", request, user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Credentials arrive with the password already masked; keep only the identifier.
    identifier = str(credentials.get("email") or credentials.get("username") or "")[:255]
    services.record_login_failure(identifier=identifier, request=request)


@receiver(account_signals.password_changed, dispatch_uid="audit_password_changed")
@receiver(account_signals.password_set, dispatch_uid="audit_password_set")
def on_password_changed(sender, request, user, **kwargs) -> None:
    _about_own_account("auth.password_changed", request, user)


@receiver(account_signals.password_reset, dispatch_uid="audit_password_reset")
def on_password_reset(sender, request, user, **kwargs) -> None:
    _about_own_account("auth.password_reset", request, user)


@receiver(account_signals.user_signed_up, dispatch_uid="audit_signed_up")
def on_signed_up(sender, request, user, **kwargs) -> None:
    _about_own_account("account.signed_up", request, user)


@receiver(account_signals.email_added, dispatch_uid="audit_email_added")
def on_email_added(sender, request, user, email_address, **kwargs) -> None:
    _about_own_account("account.email_added", request, user, email=email_address.email)


@receiver(account_signals.email_removed, dispatch_uid="audit_email_removed")
def on_email_removed(sender, request, user, email_address, **kwargs) -> None:
    _about_own_account("account.email_removed", request, user, email=email_address.email)


@receiver(account_signals.email_confirmed, dispatch_uid="audit_email_confirmed")
def on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    _about_own_account(
        "account.email_confirmed", request, email_address.user, email=email_address.email
    )


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit_mfa_added")
def on_mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    _about_own_account("auth.mfa_added", request, user, type=authenticator.type)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit_mfa_removed")
def on_mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    _about_own_account("auth.mfa_removed", request, user, type=authenticator.type)


@receiver(mfa_signals.authenticator_reset, dispatch_uid="audit_mfa_reset")
def on_mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    _about_own_account("auth.mfa_reset", request, user, type=authenticator.type)
