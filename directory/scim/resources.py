"""The SCIM side of the mapping: what RSE announces (schemas, resource types, service
provider config), and how a person or a group reads as a SCIM resource and back.

The protocol models come from scim2-models; requests are validated against the full
standard schemas (so an identity provider may send attributes RSE does not keep,
which are ignored, while an attribute no schema defines is refused), and the
published schemas list only what RSE keeps, so a client knows what round-trips."""

from datetime import datetime
from typing import Any, Union

from django.conf import settings
from django.contrib.auth.models import Group as DjangoGroup
from django.utils.translation import gettext as _
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    EnterpriseUser,
    ETag,
    Extension,
    Filter,
    Group,
    Manager,
    Meta,
    Mutability,
    Name,
    Patch,
    Required,
    ResourceType,
    Schema,
    ServiceProviderConfig,
    Sort,
    User,
)
from scim2_models import Email as ScimEmail
from scim2_models import GroupMember as ScimMember

from profiles.models import User as Person

from ..models import DirectoryEntry, DirectoryGroup
from ..services import DirectoryError, PersonRecord


class RseUser(Extension):
    """RSE's own extension: what neither the core nor the enterprise schema carries."""

    __schema__ = URN("urn:ietf:params:scim:schemas:extension:rse:2.0:User")

    site: str | None = None
    """The site (office, plant) the person works at."""

    contract_end: datetime | None = None
    """End of the contract: access stops on this date."""

    country: str | None = None
    """Country of work, ISO 3166 code of two letters (which charter variant applies)."""

    legal_entity: str | None = None
    """Legal entity employing the person (which charter variant applies)."""


UserResource = User[Union[EnterpriseUser, RseUser]]  # noqa: UP007 - scim2-models' syntax
GroupResource = Group
ENTERPRISE = str(EnterpriseUser.__schema__)

# What RSE keeps of each schema, attribute by sub-attribute (None: a simple one).
KEPT_USER = {
    "userName": None,
    "name": {"givenName", "familyName"},
    "displayName": None,
    "title": None,
    "userType": None,
    "active": None,
    "emails": {"value"},
}
KEPT_ENTERPRISE = {
    "employeeNumber": None,
    "department": None,
    "organization": None,
    "manager": {"value", "$ref"},
}
KEPT_GROUP = {"displayName": None, "members": {"value", "$ref"}}
# Attributes RSE computes: announced read-only.
READ_ONLY = frozenset({"displayName"})
# `active` is announced required (a PATCH cannot remove it) but defaults to true.
REQUIRED = {"name", "givenName", "familyName", "emails", "displayName", "active"}


def _reduced(schema: Schema, kept: dict, *, read_only: frozenset = frozenset()) -> Schema:
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name not in kept:
            continue
        subs = kept[attribute.name]
        if subs is not None:
            attribute.sub_attributes = [
                sub for sub in attribute.sub_attributes or [] if sub.name in subs
            ]
            for sub in attribute.sub_attributes:
                if sub.name in REQUIRED or (attribute.name, sub.name) == ("emails", "value"):
                    sub.required = Required.true
                if sub.name in ("display", "displayName"):  # computed by RSE
                    sub.mutability = Mutability.read_only
                if sub.name == "$ref" and attribute.name == "members":
                    sub.reference_types = ["User"]  # no nested groups
        if attribute.name in read_only:
            attribute.mutability = Mutability.read_only
        elif attribute.name in REQUIRED:
            attribute.required = Required.true
        attributes.append(attribute)
    schema.attributes = attributes
    return schema


def schemas() -> list[Schema]:
    user = _reduced(User.to_schema(), KEPT_USER, read_only=READ_ONLY)
    user.description = "User Account"
    enterprise = _reduced(EnterpriseUser.to_schema(), KEPT_ENTERPRISE)
    enterprise.name = enterprise.description = "EnterpriseUser"
    rse = RseUser.to_schema()
    rse.description = "RSE site, contract end, country and legal entity"
    group = _reduced(Group.to_schema(), KEPT_GROUP)
    group.description = "Group"
    return [user, enterprise, rse, group]


def resource_types() -> list[ResourceType]:
    return [ResourceType.from_resource(UserResource), ResourceType.from_resource(Group)]


def service_provider_config() -> ServiceProviderConfig:
    return ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=settings.DIRECTORY_SCIM_MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description=_("A token created for this client in Django admin."),
                primary=True,
            )
        ],
    )


def _location(base: str, kind: str, pk: Any) -> str:
    return f"{base}/{kind}/{pk}"


# People ------------------------------------------------------------------------------------


def user_to_scim(user: Person, base: str) -> Any:
    """`user` comes with select_related("directory_entry__manager")."""
    entry = user.directory_entry
    manager = None
    if entry.manager_id:
        manager = Manager(
            value=str(entry.manager_id),
            ref=_location(base, "Users", entry.manager_id),  # type: ignore[arg-type]
        )
    resource = UserResource(
        id=str(user.pk),
        external_id=entry.external_id or None,
        user_name=user.username,
        name=Name(given_name=user.first_name, family_name=user.last_name),
        display_name=user.get_full_name(),
        title=user.job_title or None,
        user_type=entry.user_type or None,
        active=user.is_active,
        emails=[ScimEmail(value=user.email)],
        meta=Meta(
            resource_type="User",
            created=user.date_joined,
            last_modified=entry.updated_at,
            location=_location(base, "Users", user.pk),
        ),
    )
    resource[EnterpriseUser] = EnterpriseUser(
        employee_number=entry.employee_number or None,
        department=user.department or None,
        organization=user.organisation or None,
        manager=manager,
    )
    resource[RseUser] = RseUser(
        site=user.site or None,
        contract_end=user.access_expires_at,
        country=user.country or None,
        legal_entity=user.legal_entity or None,
    )
    return resource


def _text(value: str | None) -> str:
    return (value or "").strip()


def _manager_pk(value: str | None) -> int | None:
    if not value:
        return None
    if value.isdigit():
        found = DirectoryEntry.objects.filter(user_id=int(value)).values_list("user_id", flat=True)
        if pk := found.first():
            return pk
    raise DirectoryError(_("The manager %(id)s is not a provisioned user.") % {"id": value})


def record_from_scim(resource: Any) -> PersonRecord:
    """The person a SCIM User describes, in RSE's terms. Missing attributes are empty
    (a PUT replaces the whole resource)."""
    emails = resource.emails or []
    primary = next((e for e in emails if e.primary), emails[0] if emails else None)
    email = _text(primary.value if primary else "")
    if not email and "@" in (resource.user_name or ""):
        email = resource.user_name.strip()
    name = resource.name
    enterprise = resource[EnterpriseUser] or EnterpriseUser()
    rse = resource[RseUser] or RseUser()
    user_type = _text(resource.user_type)
    return PersonRecord(
        username=_text(resource.user_name),
        email=email,
        first_name=_text(name.given_name if name else ""),
        last_name=_text(name.family_name if name else ""),
        external_id=_text(resource.external_id),
        job_title=_text(resource.title),
        department=_text(enterprise.department),
        organisation=_text(enterprise.organization),
        employee_number=_text(enterprise.employee_number),
        manager_id=_manager_pk(enterprise.manager.value if enterprise.manager else None),
        user_type=user_type,
        kind=(
            Person.Kind.EXTERNAL
            if user_type.lower() in settings.DIRECTORY_EXTERNAL_USER_TYPES
            else Person.Kind.EMPLOYEE
        ),
        site=_text(rse.site),
        country=_text(rse.country),
        legal_entity=_text(rse.legal_entity),
        access_expires_at=rse.contract_end,
        active=resource.active if resource.active is not None else True,
    )


# Groups ------------------------------------------------------------------------------------


def group_to_scim(dgroup: DirectoryGroup, base: str, *, members: bool = True) -> Group:
    """With members, `dgroup.group` comes with its users prefetched."""
    group: DjangoGroup = dgroup.group
    resource = Group(
        id=str(dgroup.pk),
        external_id=dgroup.external_id or None,
        display_name=dgroup.display_name,
        meta=Meta(
            resource_type="Group",
            created=dgroup.created_at,
            last_modified=dgroup.updated_at,
            location=_location(base, "Groups", dgroup.pk),
        ),
    )
    if members:
        resource.members = [
            ScimMember(  # type: ignore[call-arg]
                value=str(user.pk),
                ref=_location(base, "Users", user.pk),  # type: ignore[arg-type]
            )
            for user in group.user_set.all()
        ]
    return resource


def member_pks(members) -> set[int]:
    """The people a list of SCIM members names; only provisioned users may be members."""
    values = {str(m.value if hasattr(m, "value") else m.get("value", "")) for m in members or []}
    pks = {int(v) for v in values if v.isdigit()}
    known = set(DirectoryEntry.objects.filter(user_id__in=pks).values_list("user_id", flat=True))
    unknown = sorted(values - {str(pk) for pk in known})
    if unknown:
        raise DirectoryError(
            _("Unknown member: %(ids)s (only provisioned users may be members).")
            % {"ids": ", ".join(unknown)}
        )
    return known
