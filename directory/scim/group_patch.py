"""Group PATCH, member by member: a group of 50,000 people is never loaded to add one.
Name and external id go through the same service as a PUT."""

from django.utils.translation import gettext as _
from scim2_models import ScimFilter
from scim2_models.path.expressions import Comparison, LogicalExpr

from .. import groups as group_services
from .. import services
from ..models import DirectoryGroup
from . import resources


def apply_group_patch(origin: services.Origin, dgroup: DirectoryGroup, patch) -> None:
    """Group PATCH, member by member: a group of 50,000 people is never loaded to add
    one. Name and external id go through the same service as a PUT."""
    name, external_id = dgroup.display_name, dgroup.external_id
    for operation in patch.operations or []:
        op = str(operation.op.value).lower()
        path = str(operation.path or "")
        value = operation.value
        if not path:  # {"op": "replace", "value": {"displayName": …, "members": […]}}
            values = value if isinstance(value, dict) else {}
            for key, item in values.items():
                lowered = key.lower()
                if lowered == "displayname":
                    name = str(item or "")
                elif lowered == "externalid":
                    external_id = str(item or "")
                elif lowered == "members":
                    _members_op(origin, dgroup, op, item)
                else:
                    raise services.DirectoryError(
                        _("Unknown attribute: %(path)s.") % {"path": key}, kind="invalidPath"
                    )
        elif path.lower() == "displayname":
            if op == "remove":
                raise services.DirectoryError(
                    _("A group keeps its displayName."), kind="mutability"
                )
            name = str(value or "")
        elif path.lower() == "externalid":
            external_id = "" if op == "remove" else str(value or "")
        elif path.lower() == "members":
            _members_op(origin, dgroup, op, value)
        elif path.lower().startswith("members["):
            if op != "remove":
                raise services.DirectoryError(
                    _("Only remove takes a filtered members path."), kind="invalidPath"
                )
            group_services.group_change_members(
                origin=origin, dgroup=dgroup, remove=_filtered_members(path)
            )
        else:
            raise services.DirectoryError(
                _("Unknown attribute: %(path)s.") % {"path": path}, kind="invalidPath"
            )
    group_services.group_update(
        origin=origin, dgroup=dgroup, display_name=name, external_id=external_id
    )


def _members_op(origin: services.Origin, dgroup: DirectoryGroup, op: str, value) -> None:
    members = value if isinstance(value, list) else ([value] if value else [])
    if op == "add":
        group_services.group_change_members(
            origin=origin, dgroup=dgroup, add=resources.member_pks(members)
        )
    elif op == "replace":
        group_services.group_set_members(
            origin=origin, dgroup=dgroup, member_ids=resources.member_pks(members)
        )
    elif members:  # remove these
        pks = {int(v) for v in (_member_value(m) for m in members) if v.isdigit()}
        group_services.group_change_members(origin=origin, dgroup=dgroup, remove=pks)
    else:  # remove them all
        group_services.group_set_members(origin=origin, dgroup=dgroup, member_ids=[])


def _member_value(member) -> str:
    if isinstance(member, dict):
        return str(member.get("value", ""))
    return str(getattr(member, "value", ""))


def _filtered_members(path: str) -> set[int]:
    """`members[value eq "12"]`, or several values joined with or."""
    inner = path[path.index("[") + 1 : path.rindex("]")]
    ast = ScimFilter(inner).ast
    terms = ast.terms if isinstance(ast, LogicalExpr) and ast.op.value == "or" else (ast,)
    pks = set()
    for term in terms:
        if not (
            isinstance(term, Comparison)
            and term.attr_path.attr.lower() == "value"
            and term.op.value == "eq"
        ):
            raise services.DirectoryError(
                _('Only members[value eq "id"] is supported.'), kind="invalidFilter"
            )
        if str(term.value).isdigit():
            pks.add(int(term.value))
    return pks
