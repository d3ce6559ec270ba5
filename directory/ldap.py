"""LDAP / Active Directory sync, for companies without SCIM: people and groups read with
ldap3, applied through the same services (same mapping, same leaver flow) as SCIM.

Incremental where the server allows: people changed since the last run
(modifyTimestamp, or whenChanged on AD) are read in full; for the others only their
identifiers are read, to tell who left (no longer returned by the filter: closed).
Groups are few and read in full each time. A dry run reads and compares, writes
nothing, and says what would change."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import ldap3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from ldap3.utils.conv import escape_filter_chars

from profiles.models import User

from . import groups as group_services
from . import services
from .models import DirectoryEntry, DirectoryGroup, Source, SyncRun
from .sync import SyncReport, apply_person, save_run


@dataclass(frozen=True)
class Flavour:
    """Which attributes say what, on OpenLDAP (inetOrgPerson) and on Active Directory."""

    username: str
    email: str
    first_name: str
    last_name: str
    job_title: str
    department: str
    site: str
    organisation: str
    employee_number: str
    employee_type: str
    manager: str
    external_id: str
    changed: str
    group_name: str
    member: str = "member"
    disabled: Callable[[dict], bool] = lambda attrs: False
    contract_end: Callable[[dict], datetime | None] = lambda attrs: None


def _first(attrs: dict, name: str):
    value = attrs.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(attrs: dict, name: str) -> str:
    value = _first(attrs, name)
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode(errors="replace").strip()
    return str(value).strip()


def _ad_disabled(attrs: dict) -> bool:
    try:
        return bool(int(_text(attrs, "userAccountControl") or 0) & 2)  # ACCOUNTDISABLE
    except ValueError:
        return False


def _ad_expires(attrs: dict) -> datetime | None:
    """accountExpires: 100-ns intervals since 1601; 0 and 2**63-1 mean never."""
    raw = _first(attrs, "accountExpires")
    if isinstance(raw, datetime):
        return raw if raw.year < 9000 else None
    try:
        ticks = int(raw or 0)
    except (TypeError, ValueError):
        return None
    if ticks in (0, 2**63 - 1):
        return None
    return datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=ticks // 10)


FLAVOURS = {
    "openldap": Flavour(
        username="uid",
        email="mail",
        first_name="givenName",
        last_name="sn",
        job_title="title",
        department="departmentNumber",
        site="l",
        organisation="o",
        employee_number="employeeNumber",
        employee_type="employeeType",
        manager="manager",
        external_id="entryUUID",
        changed="modifyTimestamp",
        group_name="cn",
    ),
    "ad": Flavour(
        username="userPrincipalName",
        email="mail",
        first_name="givenName",
        last_name="sn",
        job_title="title",
        department="department",
        site="physicalDeliveryOfficeName",
        organisation="company",
        employee_number="employeeID",
        employee_type="employeeType",
        manager="manager",
        external_id="objectGUID",
        changed="whenChanged",
        group_name="cn",
        disabled=_ad_disabled,
        contract_end=_ad_expires,
    ),
}


def connect() -> ldap3.Connection:
    server = ldap3.Server(settings.LDAP_URL, get_info=ldap3.NONE, connect_timeout=10)
    return ldap3.Connection(
        server,
        user=settings.LDAP_BIND_DN or None,
        password=settings.LDAP_BIND_PASSWORD or None,
        auto_bind=True,
        read_only=True,
        receive_timeout=60,
        raise_exceptions=True,
    )


def _search(conn: ldap3.Connection, base: str, query: str, attributes: list[str]) -> Iterator:
    for item in conn.extend.standard.paged_search(
        base, query, attributes=attributes, paged_size=500, generator=True
    ):
        if item.get("type") == "searchResEntry":
            yield item["dn"], item.get("raw_attributes", {}), item.get("attributes", {})


def _external_id(flavour: Flavour, raw: dict, attrs: dict) -> str:
    value = _first(raw, flavour.external_id)
    if flavour.external_id == "objectGUID" and isinstance(value, bytes) and len(value) == 16:
        return str(uuid.UUID(bytes_le=value))
    return _text(attrs, flavour.external_id)


def _record(flavour: Flavour, dn: str, raw: dict, attrs: dict, managers: dict) -> tuple:
    username = _text(attrs, flavour.username)
    user_type = _text(attrs, flavour.employee_type)
    record = services.PersonRecord(
        username=username,
        email=_text(attrs, flavour.email) or (username if "@" in username else ""),
        first_name=_text(attrs, flavour.first_name),
        last_name=_text(attrs, flavour.last_name),
        external_id=_external_id(flavour, raw, attrs),
        job_title=_text(attrs, flavour.job_title),
        department=_text(attrs, flavour.department),
        site=_text(attrs, flavour.site),
        country=_text(attrs, settings.LDAP_COUNTRY_ATTRIBUTE)
        if settings.LDAP_COUNTRY_ATTRIBUTE
        else "",
        legal_entity=_text(attrs, settings.LDAP_LEGAL_ENTITY_ATTRIBUTE)
        if settings.LDAP_LEGAL_ENTITY_ATTRIBUTE
        else "",
        organisation=_text(attrs, flavour.organisation),
        employee_number=_text(attrs, flavour.employee_number),
        user_type=user_type,
        kind=(
            User.Kind.EXTERNAL
            if user_type.lower() in settings.DIRECTORY_EXTERNAL_USER_TYPES
            else User.Kind.EMPLOYEE
        ),
        access_expires_at=flavour.contract_end(attrs),
        active=not flavour.disabled(attrs),
        ldap_dn=dn,
    )
    manager_dn = _text(attrs, flavour.manager).lower()
    record.manager_id = managers.get(manager_dn)
    return record, manager_dn


def _known(source: str = Source.LDAP) -> dict[str, User]:
    """The people this sync already owns, by external id."""
    entries = DirectoryEntry.objects.filter(source=source).select_related("user")
    return {entry.external_id: entry.user for entry in entries if entry.external_id}


def _dn_map() -> dict[str, int]:
    return {
        dn.lower(): pk
        for dn, pk in DirectoryEntry.objects.filter(source=Source.LDAP)
        .exclude(ldap_dn="")
        .values_list("ldap_dn", "user_id")
    }


def _last_mark() -> str:
    last = (
        SyncRun.objects.filter(source=Source.LDAP, dry_run=False, finished_at__isnull=False)
        .exclude(high_water_mark="")
        .first()
    )
    return last.high_water_mark if last else ""


def ldap_sync(
    *, dry_run: bool = False, full: bool = False, audit_client: str = "command", conn=None
) -> SyncReport:
    """Read the directory and apply it. Each person is applied in their own transaction:
    one bad entry is reported and the others still go through."""
    flavour = FLAVOURS[settings.LDAP_FLAVOUR]
    origin = services.Origin(source=Source.LDAP, label="LDAP sync", audit_client=audit_client)
    report = SyncReport(dry_run=dry_run)
    started = timezone.now()
    conn = conn or connect()
    mark = "" if full else _last_mark()
    user_filter = settings.LDAP_USER_FILTER
    changed_filter = (
        f"(&{user_filter}({flavour.changed}>={escape_filter_chars(mark)}))" if mark else user_filter
    )
    attributes = [
        getattr(flavour, name)
        for name in (
            "username",
            "email",
            "first_name",
            "last_name",
            "job_title",
            "department",
            "site",
            "organisation",
            "employee_number",
            "employee_type",
            "manager",
            "external_id",
            "changed",
        )
    ]
    if settings.LDAP_FLAVOUR == "ad":
        attributes += ["userAccountControl", "accountExpires"]
    attributes += [
        name
        for name in (settings.LDAP_COUNTRY_ATTRIBUTE, settings.LDAP_LEGAL_ENTITY_ATTRIBUTE)
        if name
    ]

    # Who is in the directory now (identifiers only), then who changed (in full).
    present = {
        _external_id(flavour, raw, attrs)
        for _dn, raw, attrs in _search(
            conn, settings.LDAP_USER_BASE, user_filter, [flavour.external_id]
        )
    }
    changed = list(_search(conn, settings.LDAP_USER_BASE, changed_filter, attributes))
    known = _known()
    managers = _dn_map()
    pending_managers = []
    for dn, raw, attrs in changed:
        # The raw GeneralizedTime ("20261129161017Z"), as the next filter compares it.
        report.high_water_mark = max(report.high_water_mark, _text(raw, flavour.changed))
        try:
            record, manager_dn = _record(flavour, dn, raw, attrs, managers)
            user = known.get(record.external_id)
            if manager_dn and record.manager_id is None:
                pending_managers.append((record, manager_dn))
            user = apply_person(origin, report, record, user, dry_run)
            if user is not None:
                managers[dn.lower()] = user.pk
        except services.DirectoryError as exc:
            report.errors.append(f"{dn}: {exc.message}")
    for record, manager_dn in pending_managers:  # managers created in this run
        record.manager_id = managers.get(manager_dn)
        user = _known().get(record.external_id)
        if record.manager_id and user is not None and not dry_run:
            apply_person(origin, report, record, user, dry_run, count=False)

    # Who left: owned by this sync, no longer returned by the filter.
    for external_id, user in known.items():
        if external_id not in present and user.is_active:
            report.closed += 1
            report.add(f"close {user.username}")
            if not dry_run:
                with transaction.atomic():
                    services.person_close(origin=origin, user=user)

    _sync_groups(
        conn, flavour, origin, report, dry_run, members=_dn_map() if not dry_run else managers
    )
    if not dry_run:
        save_run(report, source=Source.LDAP, started=started, origin=origin, mark=mark)
    return report


def _sync_groups(conn, flavour: Flavour, origin, report: SyncReport, dry_run: bool, members):
    if not settings.LDAP_GROUP_BASE:
        return
    existing = {
        g.ldap_dn.lower(): g
        for g in DirectoryGroup.objects.filter(source=Source.LDAP).select_related("group")
    }
    seen = set()
    for dn, _raw, attrs in _search(
        conn,
        settings.LDAP_GROUP_BASE,
        settings.LDAP_GROUP_FILTER,
        [flavour.group_name, flavour.member],
    ):
        seen.add(dn.lower())
        name = _text(attrs, flavour.group_name)
        values = attrs.get(flavour.member) or []
        values = values if isinstance(values, list) else [values]
        wanted = {members[v.lower()] for v in values if v.lower() in members}
        dgroup = existing.get(dn.lower())
        try:
            if dgroup is None:
                report.groups_changed += 1
                report.add(f"create group {name} ({len(wanted)} members)")
                if not dry_run:
                    with transaction.atomic():
                        group_services.group_create(
                            origin=origin, display_name=name, member_ids=wanted, ldap_dn=dn
                        )
                continue
            current = set(dgroup.group.user_set.values_list("pk", flat=True))
            if name == dgroup.display_name and current == wanted:
                continue
            report.groups_changed += 1
            report.add(
                f"update group {name}: +{len(wanted - current)} -{len(current - wanted)} members"
            )
            if not dry_run:
                with transaction.atomic():
                    group_services.group_update(
                        origin=origin, dgroup=dgroup, display_name=name, external_id=""
                    )
                    group_services.group_set_members(
                        origin=origin, dgroup=dgroup, member_ids=wanted
                    )
        except services.DirectoryError as exc:
            report.errors.append(f"{dn}: {exc.message}")
    for dn, dgroup in existing.items():
        if dn not in seen:
            report.groups_changed += 1
            report.add(f"delete group {dgroup.display_name}")
            if not dry_run:
                with transaction.atomic():
                    group_services.group_delete(origin=origin, dgroup=dgroup)
