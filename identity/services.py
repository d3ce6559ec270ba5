"""Company sign-in: one function per business action, each with its audit entry."""

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit import services as audit
from profiles.models import User
from profiles.services import sessions_end_for

from .mapping import IDENTITY_FIELDS, USER_FIELDS
from .models import CompanyIdentity

# Set in the session by a company sign-in that the provider asserted as multi-factor.
SSO_MFA_SESSION_KEY = "rse_sso_mfa"


def identity_refuse(
    *,
    request: HttpRequest | None,
    provider: str,
    uid: str,
    email: str,
    reason: str,
    user: User | None = None,
    detail: str = "",
) -> int:
    """Refuse a company sign-in. A person the provider reports disabled is also signed
    out everywhere at once. Returns how many sessions were ended."""
    ended = 0
    with transaction.atomic():
        if user is not None and user.pk and reason == "disabled":
            ended = sessions_end_for(user=user)
        audit.record(
            "identity.refused",
            actor=user if user is not None and user.pk else None,
            actor_label="" if user is not None and user.pk else email,
            target=user if user is not None and user.pk else None,
            request=request,
            data={
                "provider": provider,
                "uid": uid,
                "email": email,
                "reason": reason,
                "sessions_ended": ended,
                **({"detail": detail} if detail else {}),
            },
        )
    return ended


def _identity_for(user: User) -> CompanyIdentity:
    identity, _created = CompanyIdentity.objects.get_or_create(user=user)
    return identity


def identity_attributes_apply(
    *, user: User, attributes: dict, provider: str, request: HttpRequest | None = None
) -> dict:
    """Refresh the directory-owned fields of an existing person from the provider's
    attributes. Returns (and audits) the changes as {field: {"before", "after"}}."""
    changes: dict = {}
    with transaction.atomic():
        fresh = User.objects.select_for_update().get(pk=user.pk)
        user_fields = []
        for field in USER_FIELDS:
            if (
                field in attributes
                and attributes[field]
                and getattr(fresh, field) != attributes[field]
            ):
                changes[field] = {"before": getattr(fresh, field), "after": attributes[field]}
                setattr(fresh, field, attributes[field])
                setattr(user, field, attributes[field])
                user_fields.append(field)
        if attributes.get("kind") == User.Kind.EMPLOYEE and fresh.kind != User.Kind.EMPLOYEE:
            # The company's directory now lists an invited partner as an employee.
            changes["kind"] = {"before": fresh.kind, "after": User.Kind.EMPLOYEE}
            fresh.kind = user.kind = User.Kind.EMPLOYEE
            fresh.sponsor = user.sponsor = None
            user_fields += ["kind", "sponsor"]
        if user_fields:
            fresh.save(update_fields=user_fields)
        identity = _identity_for(fresh)
        identity_fields = []
        for field in IDENTITY_FIELDS:
            if field in attributes and getattr(identity, field) != attributes[field]:
                changes[field] = {"before": getattr(identity, field), "after": attributes[field]}
                setattr(identity, field, attributes[field])
                identity_fields.append(field)
        if identity_fields:
            identity.save(update_fields=identity_fields)
        if changes:
            audit.record(
                "identity.attributes_updated",
                actor=fresh,
                target=fresh,
                request=request,
                data={"provider": provider, "changes": changes},
            )
    return changes


def identity_account_created(
    *, user: User, attributes: dict, provider: str, uid: str, request: HttpRequest | None
) -> None:
    """A person's first company sign-in created their account (just in time)."""
    identity = _identity_for(user)
    identity.employee_number = attributes.get("employee_number", "")
    identity.save(update_fields=["employee_number"])
    audit.record(
        "identity.account_created",
        actor=user,
        target=user,
        request=request,
        data={
            "provider": provider,
            "uid": uid,
            "email": user.email,
            "attributes": {
                f: attributes[f] for f in (*USER_FIELDS, *IDENTITY_FIELDS) if f in attributes
            },
        },
    )


def identity_sso_login(
    *,
    user: User,
    provider: str,
    uid: str,
    mfa: bool,
    linked_email: str | None,
    request: HttpRequest | None,
) -> None:
    """Record a company sign-in (and the link of an existing account, on the first)."""
    with transaction.atomic():
        CompanyIdentity.objects.update_or_create(
            user=user, defaults={"provider": provider, "last_sso_login_at": timezone.now()}
        )
        if linked_email:
            audit.record(
                "identity.linked",
                actor=user,
                target=user,
                request=request,
                data={"provider": provider, "uid": uid, "email": linked_email},
            )
        audit.record(
            "identity.sso_login",
            actor=user,
            target=user,
            request=request,
            data={"provider": provider, "uid": uid, "mfa": mfa},
        )
    if request is not None and mfa:
        request.session[SSO_MFA_SESSION_KEY] = True


def identity_single_logout(
    *,
    user: User,
    provider: str,
    sid: str,
    request: HttpRequest | None,
    everywhere: bool = True,
    already_ended: int = 0,
) -> int:
    """The provider says this person signed out there: end their sessions here (all of
    them, or only the one the request came with: `already_ended`)."""
    with transaction.atomic():
        ended = max(sessions_end_for(user=user), already_ended) if everywhere else already_ended
        audit.record(
            "identity.single_logout",
            actor_label=f"identity provider {provider}",
            target=user,
            request=request,
            data={"provider": provider, "sid": sid, "sessions_ended": ended},
        )
    return ended


def mfa_policy_enforced(*, user: User, roles: list[str], request: HttpRequest | None) -> None:
    """A person the two-factor policy covers was sent to set up a second factor."""
    audit.record(
        "identity.mfa_enforced",
        actor=user,
        target=user,
        request=request,
        data={"roles": roles},
    )
