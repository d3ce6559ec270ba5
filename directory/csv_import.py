"""CSV import, for small companies and pilots: an administrator uploads the list of
people, sees what would change, then applies it. Same mapping and same services as
SCIM and LDAP: a person set inactive, or (when asked) missing from the file, is
closed by the leaver flow."""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from profiles.models import User

from . import groups as group_services
from . import services
from .models import DirectoryEntry, DirectoryGroup, Source
from .sync import SyncReport, apply_person, save_run

COLUMNS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "job_title",
    "department",
    "site",
    "country",
    "legal_entity",
    "organisation",
    "employee_number",
    "user_type",
    "manager",
    "contract_end",
    "active",
    "groups",
)
REQUIRED_COLUMNS = ("username", "email", "first_name", "last_name")
MAX_ROWS = 20_000
TRUE = {"", "1", "yes", "true", "y", "oui", "active"}
FALSE = {"0", "no", "false", "n", "non", "inactive"}


class CsvError(Exception):
    pass


@dataclass
class Row:
    line: int
    record: services.PersonRecord
    manager: str
    groups: list[str]


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse(content: bytes) -> Parsed:
    """Read the file: UTF-8 (with or without BOM), comma or semicolon separated, a header
    line naming the columns (any order; unknown columns refused)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError(_("The file must be encoded in UTF-8.")) from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        raise CsvError(
            _("Columns missing: %(missing)s. Unknown columns: %(unknown)s. Expected: %(all)s.")
            % {
                "missing": ", ".join(missing) or "-",
                "unknown": ", ".join(unknown) or "-",
                "all": ", ".join(COLUMNS),
            }
        )
    parsed = Parsed()
    seen: set[str] = set()
    for number, raw in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise CsvError(_("At most %(n)d people per file.") % {"n": MAX_ROWS})
        values = {k: (v or "").strip() for k, v in raw.items() if k}
        try:
            row = _row(number, values)
        except services.DirectoryError as exc:
            parsed.errors.append(_("Line %(n)d: %(error)s") % {"n": number, "error": exc.message})
            continue
        key = row.record.username.lower()
        if key in seen:
            parsed.errors.append(
                _("Line %(n)d: %(name)s appears twice.") % {"n": number, "name": key}
            )
            continue
        seen.add(key)
        parsed.rows.append(row)
    return parsed


def _row(number: int, values: dict) -> Row:
    active = values.get("active", "").lower()
    if active not in TRUE | FALSE:
        raise services.DirectoryError(_("active must be yes or no."))
    contract_end = None
    if values.get("contract_end"):
        try:
            day = datetime.strptime(values["contract_end"], "%Y-%m-%d")
        except ValueError:
            raise services.DirectoryError(_("contract_end must be a date, YYYY-MM-DD.")) from None
        contract_end = day.replace(tzinfo=UTC)
    user_type = values.get("user_type", "")
    record = services.PersonRecord(
        username=values.get("username", ""),
        email=values.get("email", ""),
        first_name=values.get("first_name", ""),
        last_name=values.get("last_name", ""),
        external_id=values.get("username", "").lower(),
        job_title=values.get("job_title", ""),
        department=values.get("department", ""),
        site=values.get("site", ""),
        country=values.get("country", ""),
        legal_entity=values.get("legal_entity", ""),
        organisation=values.get("organisation", ""),
        employee_number=values.get("employee_number", ""),
        user_type=user_type,
        kind=(
            User.Kind.EXTERNAL
            if user_type.lower() in settings.DIRECTORY_EXTERNAL_USER_TYPES
            else User.Kind.EMPLOYEE
        ),
        access_expires_at=contract_end,
        active=active not in FALSE,
    )
    record.clean()
    groups = [g.strip() for g in values.get("groups", "").split(";") if g.strip()]
    return Row(number, record, values.get("manager", "").lower(), groups)


def run(
    parsed: Parsed, *, actor: User, request=None, dry_run: bool, close_missing: bool
) -> SyncReport:
    """Preview (dry_run) or apply the file. Managers are named by user name: people of
    the file, or already in RSE."""
    origin = services.Origin(
        source=Source.CSV, label="", audit_client="admin", actor=actor, request=request
    )
    report = SyncReport(dry_run=dry_run, errors=list(parsed.errors))
    started = timezone.now()
    owned = {
        e.user.username.lower(): e.user
        for e in DirectoryEntry.objects.filter(source=Source.CSV).select_related("user")
    }
    by_name = {
        name.lower(): pk
        for name, pk in User.objects.filter(
            username__in=[r.manager for r in parsed.rows if r.manager]
        ).values_list("username", "pk")
    }
    pending = []
    for row in parsed.rows:
        row.record.manager_id = by_name.get(row.manager)
        if row.manager and row.record.manager_id is None:
            pending.append(row)
        try:
            user = apply_person(
                origin, report, row.record, owned.get(row.record.username.lower()), dry_run
            )
        except services.DirectoryError as exc:
            report.errors.append(_("Line %(n)d: %(error)s") % {"n": row.line, "error": exc.message})
            continue
        if user is not None:
            owned[user.username.lower()] = user
            by_name[user.username.lower()] = user.pk
    for row in pending:
        row.record.manager_id = by_name.get(row.manager)
        user = owned.get(row.record.username.lower())
        if row.record.manager_id is None:
            report.errors.append(
                _("Line %(n)d: unknown manager %(name)s.") % {"n": row.line, "name": row.manager}
            )
        elif user is not None and not dry_run:
            apply_person(origin, report, row.record, user, dry_run, count=False)
    if close_missing:
        listed = {row.record.username.lower() for row in parsed.rows}
        for name, user in owned.items():
            if name not in listed and user.is_active:
                report.closed += 1
                report.add(f"close {user.username}")
                if not dry_run:
                    services.person_close(origin=origin, user=user)
    _groups(parsed, origin, report, dry_run, owned)
    if not dry_run:
        save_run(report, source=Source.CSV, started=started, origin=origin)
    return report


def _groups(parsed: Parsed, origin, report: SyncReport, dry_run: bool, owned: dict) -> None:
    """Groups named in the file hold exactly the people the file lists in them."""
    wanted: dict[str, set[str]] = {}
    for row in parsed.rows:
        for name in row.groups:
            wanted.setdefault(name, set()).add(row.record.username.lower())
    existing = {
        g.display_name.lower(): g
        for g in DirectoryGroup.objects.filter(source=Source.CSV).select_related("group")
    }
    for name, usernames in sorted(wanted.items()):
        dgroup = existing.get(name.lower())
        members = {owned[u].pk for u in usernames if u in owned}
        try:
            if dgroup is None:
                report.groups_changed += 1
                report.add(f"create group {name} ({len(usernames)} members)")
                if not dry_run:
                    group_services.group_create(
                        origin=origin, display_name=name, member_ids=members
                    )
                continue
            current = {u.lower() for u in dgroup.group.user_set.values_list("username", flat=True)}
            if current != usernames:
                report.groups_changed += 1
                report.add(
                    f"update group {name}: +{len(usernames - current)} -{len(current - usernames)}"
                )
                if not dry_run:
                    group_services.group_set_members(
                        origin=origin, dgroup=dgroup, member_ids=members
                    )
        except services.DirectoryError as exc:
            report.errors.append(f"{name}: {exc.message}")
