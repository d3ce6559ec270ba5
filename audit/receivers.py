"""Sign-in events from django.contrib.auth (which allauth uses) go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="audit_login")
def on_login(sender, request, user, **kwargs) -> None:
    services.record("auth.login", actor=user, target=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        services.record("auth.logout", actor=user, target=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Credentials arrive with the password already masked; keep only the identifier.
    identifier = str(credentials.get("email") or credentials.get("username") or "")[:255]
    services.record(
        "auth.login_failed",
        request=request,
        actor_label=identifier,
        data={"identifier": identifier},
    )
