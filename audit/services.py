from django.db import models
from django.http import HttpRequest

from .models import AuditEntry


def client_address(request: HttpRequest | None) -> str | None:
    """The client's IP address, honouring ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy."""
    if request is None:
        return None
    from allauth.core.internal.httpkit import get_client_ip

    return get_client_ip(request) or None


def record(
    action: str,
    *,
    actor=None,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    data: dict | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry to the audit trail. Raises if the write fails: so does the action."""
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor_label or (actor.get_username() if actor is not None else ""))[:255],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:255] if target is not None else "",
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:255],
        data=data or {},
    )
