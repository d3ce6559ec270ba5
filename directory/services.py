"""Writes from the company directory: people and groups provisioned by SCIM, the LDAP
sync or a CSV import. One mapping, one leaver flow, whatever the source."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from lifecycle.tasks import run_job
from profiles import services as profile_services
from profiles.models import User

from .models import (
    TOKEN_PREFIX,
    DirectoryEntry,
    ProvisioningClient,
    hash_token,
)

# The directory fields of the user row, and the length of each.
USER_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "kind",
    "job_title",
    "department",
    "site",
    "country",
    "legal_entity",
    "organisation",
    "access_expires_at",
)
ENTRY_FIELDS = ("external_id", "employee_number", "manager_id", "user_type")
# Shown in the admin as read-only for provisioned accounts.
DIRECTORY_OWNED_FIELDS = (*USER_FIELDS, "is_active")


class DirectoryError(Exception):
    """Input the directory sent that RSE cannot apply. `kind` is the SCIM scimType."""

    def __init__(self, message: str, *, kind: str = "invalidValue", status: int = 400):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status


@dataclass
class Origin:
    """Who is provisioning: a SCIM client, the LDAP sync, or an admin importing a CSV."""

    source: str
    label: str
    audit_client: str
    client: ProvisioningClient | None = None
    actor: User | None = None
    request: HttpRequest | None = None

    def record(self, action: str, *, target=None, data=None) -> None:
        audit.record(
            action,
            actor=self.actor,
            target=target,
            request=self.request,
            data=data,
            client=self.audit_client,
            actor_label=self.label if self.actor is None else "",
        )


@dataclass
class PersonRecord:
    """A person as the directory describes them, already mapped to RSE's fields."""

    username: str
    email: str
    first_name: str
    last_name: str
    external_id: str = ""
    job_title: str = ""
    department: str = ""
    site: str = ""
    country: str = ""
    legal_entity: str = ""
    organisation: str = ""
    employee_number: str = ""
    user_type: str = ""
    manager_id: int | None = None
    kind: str = User.Kind.EMPLOYEE
    access_expires_at: datetime | None = None
    active: bool = True
    ldap_dn: str = ""

    def clean(self) -> None:
        """Check the record as the user model would, with messages for the directory."""
        for name in ("username", "email", "first_name", "last_name"):
            if not (getattr(self, name) or "").strip():
                raise DirectoryError(_("The attribute %(name)s is required.") % {"name": name})
        try:
            validate_email(self.email)
        except ValidationError:
            raise DirectoryError(
                _("“%(value)s” is not an e-mail address.") % {"value": self.email}
            ) from None
        for name in (
            "username",
            "first_name",
            "last_name",
            "job_title",
            "department",
            "site",
            "legal_entity",
        ):
            if len(getattr(self, name) or "") > 150:
                raise DirectoryError(_("%(name)s is too long (150 at most).") % {"name": name})
        self.country = (self.country or "").strip().upper()
        if self.country and not (len(self.country) == 2 and self.country.isalpha()):
            raise DirectoryError(
                _("“%(value)s” is not a country code (ISO 3166, two letters such as FR).")
                % {"value": self.country}
            )
        self.legal_entity = (self.legal_entity or "").strip()
        if self.kind not in User.Kind.values:
            raise DirectoryError(_("Unknown kind of person: %(kind)s.") % {"kind": self.kind})
        try:
            User.username_validator(self.username)
        except ValidationError:
            raise DirectoryError(
                _("“%(value)s” is not a valid user name (letters, digits and @.+-_ only).")
                % {"value": self.username}
            ) from None


# Clients and their tokens --------------------------------------------------------------


def client_create(
    *, actor: User, name: str, kind: str, request=None
) -> tuple[ProvisioningClient, str]:
    """Create a provisioning client. Returns it with its token, which is shown once:
    only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        client = ProvisioningClient(
            name=name,
            kind=kind,
            token_hash=hash_token(token),
            token_hint=token[: len(TOKEN_PREFIX) + 4],
            created_by=actor,
        )
        client.full_clean()
        client.save()
        audit.record(
            "directory.client_created",
            actor=actor,
            target=client,
            request=request,
            data={"kind": kind},
        )
    return client, token


def client_rotate_token(*, actor: User, client: ProvisioningClient, request=None) -> str:
    """A new token for a client; the former one stops working at once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        ProvisioningClient.objects.filter(pk=client.pk).update(
            token_hash=hash_token(token), token_hint=token[: len(TOKEN_PREFIX) + 4]
        )
        audit.record("directory.client_token_rotated", actor=actor, target=client, request=request)
    return token


def client_revoke(*, actor: User, client: ProvisioningClient, request=None) -> None:
    with transaction.atomic():
        updated = ProvisioningClient.objects.filter(pk=client.pk, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This client is already revoked."))
        audit.record("directory.client_revoked", actor=actor, target=client, request=request)


def client_for_token(token: str) -> ProvisioningClient | None:
    """The active client this bearer token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return ProvisioningClient.objects.filter(token_hash=hash_token(token), revoked_at=None).first()


def client_count_changes(client: ProvisioningClient | None, count: int = 1) -> None:
    if client is not None and count:
        ProvisioningClient.objects.filter(pk=client.pk).update(
            changes_applied=F("changes_applied") + count
        )


def client_record_error(client: ProvisioningClient, message: str) -> None:
    """Errors are counted outside the request's transaction (which rolled back)."""
    ProvisioningClient.objects.filter(pk=client.pk).update(
        errors_count=F("errors_count") + 1, last_error=message[:2000], last_error_at=timezone.now()
    )


# People ----------------------------------------------------------------------------------


def _check_unique(record: PersonRecord, *, exclude_pk: int | None) -> None:
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if others.filter(username__iexact=record.username).exists():
        raise DirectoryError(
            _("The userName “%(value)s” is already taken.") % {"value": record.username},
            kind="uniqueness",
            status=409,
        )
    if others.filter(email__iexact=record.email).exists():
        raise DirectoryError(
            _("The e-mail address “%(value)s” is already taken.") % {"value": record.email},
            kind="uniqueness",
            status=409,
        )


def _sponsor_for(record: PersonRecord) -> int | None:
    """An external's sponsor is their manager in the directory, when an employee."""
    if record.kind != User.Kind.EXTERNAL or not record.manager_id:
        return None
    manager = User.objects.filter(pk=record.manager_id, kind=User.Kind.EMPLOYEE).first()
    return manager.pk if manager else None


def person_create(*, origin: Origin, record: PersonRecord) -> User:
    """Provision a person. An account that exists under this userName but that the
    directory did not own yet (created by hand before the directory was connected) is
    taken over rather than duplicated."""
    record.clean()
    with transaction.atomic():
        existing = (
            User.objects.select_for_update(of=("self",))
            .filter(username__iexact=record.username, directory_entry__isnull=True)
            .first()
        )
        if existing is not None:
            DirectoryEntry.objects.create(user=existing, source=origin.source, client=origin.client)
            person_update(origin=origin, user=existing, record=record, adopted=True)
            return existing
        _check_unique(record, exclude_pk=None)
        user = User(
            **{name: getattr(record, name) for name in USER_FIELDS},
            sponsor_id=_sponsor_for(record),
            is_active=record.active,
        )
        user.set_unusable_password()
        user.save()  # its profile comes with it (profiles/signals.py)
        DirectoryEntry.objects.create(
            user=user,
            source=origin.source,
            client=origin.client,
            external_id=record.external_id,
            employee_number=record.employee_number,
            user_type=record.user_type,
            manager_id=record.manager_id,
            ldap_dn=record.ldap_dn,
        )
        origin.record(
            "directory.person_created",
            target=user,
            data={
                "source": origin.source,
                "fields": {
                    name: getattr(record, name)
                    for name in (*USER_FIELDS, *ENTRY_FIELDS)
                    if getattr(record, name) not in ("", None)
                },
                "active": record.active,
            },
        )
        client_count_changes(origin.client)
    return user


def person_diff(user: User, record: PersonRecord) -> dict:
    """What would change on `user` (and their entry) to match `record`."""
    entry = getattr(user, "directory_entry", None)
    changes = {}
    for name in USER_FIELDS:
        before, after = getattr(user, name), getattr(record, name)
        if before != after:
            changes[name] = [before, after]
    for name in ENTRY_FIELDS:
        before = getattr(entry, name) if entry is not None else None
        after = getattr(record, name)
        if before != after and not (before in ("", None) and after in ("", None)):
            changes[name] = [before, after]
    sponsor = _sponsor_for(record)
    if record.kind == User.Kind.EXTERNAL and sponsor and user.sponsor_id != sponsor:
        changes["sponsor_id"] = [user.sponsor_id, sponsor]
    if record.kind == User.Kind.EMPLOYEE and user.sponsor_id:
        changes["sponsor_id"] = [user.sponsor_id, None]
    if user.is_active != record.active:
        changes["is_active"] = [user.is_active, record.active]
    return changes


def person_update(
    *, origin: Origin, user: User, record: PersonRecord, adopted: bool = False
) -> dict:
    """Bring a provisioned person in line with the directory. Returns what changed.

    `active` going false closes the account exactly as an admin's closing does (every
    session ended, audited), in this transaction; going true reactivates it."""
    record.clean()
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",))
            .select_related("directory_entry")
            .get(pk=user.pk)
        )
        changes = person_diff(user, record)
        if not changes and not adopted:
            return {}
        if "username" in changes or "email" in changes:
            _check_unique(record, exclude_pk=user.pk)
        fields = [name for name in USER_FIELDS if name in changes]
        for name in fields:
            setattr(user, name, getattr(record, name))
        if "sponsor_id" in changes:
            user.sponsor_id = changes["sponsor_id"][1]
            fields.append("sponsor")
        if fields:
            user.save(update_fields=fields)
        entry = user.directory_entry
        entry_fields = [name for name in ENTRY_FIELDS if name in changes]
        for name in entry_fields:
            setattr(entry, name, getattr(record, name))
        if record.ldap_dn and entry.ldap_dn != record.ldap_dn:
            entry.ldap_dn = record.ldap_dn
            entry_fields.append("ldap_dn")
        entry.save(update_fields=[*entry_fields, "updated_at"])
        visible = {k: v for k, v in changes.items() if k != "is_active"}
        if visible or adopted:
            origin.record(
                "directory.person_updated",
                target=user,
                data={"source": origin.source, "changes": visible, "adopted": adopted},
            )
        if "is_active" in changes:
            if record.active:
                person_reactivate(origin=origin, user=user)
            else:
                person_close(origin=origin, user=user)
        client_count_changes(origin.client)
    return changes


def person_close(*, origin: Origin, user: User) -> None:
    """The leaver flow, as an admin's closing: signed out everywhere, audited; the
    externals they sponsored get a new sponsor asked for at once (the externals job)."""
    try:
        profile_services.account_close(
            actor=origin.actor,
            user=user,
            request=origin.request,
            client=origin.audit_client,
            actor_label=origin.label,
        )
    except ValidationError:  # already closed: nothing to do
        return
    if User.objects.filter(sponsor=user, is_active=True, kind=User.Kind.EXTERNAL).exists():
        transaction.on_commit(lambda: run_job.delay("externals"))


def person_reactivate(*, origin: Origin, user: User) -> None:
    try:
        profile_services.account_reactivate(
            actor=origin.actor,
            user=user,
            request=origin.request,
            client=origin.audit_client,
            actor_label=origin.label,
        )
    except ValidationError as exc:
        raise DirectoryError(" ".join(exc.messages)) from None


def person_remove(*, origin: Origin, user: User) -> None:
    """The directory deletes a person: the account is closed (never deleted: its posts
    and the audit trail keep their author) and no longer owned by the directory."""
    with transaction.atomic():
        person_close(origin=origin, user=user)
        DirectoryEntry.objects.filter(user=user).delete()
        origin.record("directory.person_removed", target=user, data={"source": origin.source})
        client_count_changes(origin.client)


def entry_delete_of_erased(*, user: User) -> dict[str, int]:
    """The DPO erased a departed person (privacy.erasure): the directory no longer owns
    the account, so nothing it sends later (a SCIM update, an LDAP sync) writes their
    name, address or attributes back into it; a directory that provisions the person
    again creates a new account. Counted in the erasure's audit entry."""
    _total, by_model = DirectoryEntry.objects.filter(user=user).delete()
    return {"directory_links_removed": by_model.get(DirectoryEntry._meta.label, 0)}
