"""SCIM filters to Django queries. scim2-models parses the filter (a syntax error is an
`invalidFilter`); this walks the parsed tree and maps each attribute from an
allow-list to a field, each value passed as a query parameter: nothing of the
filter's text ever reaches SQL."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import FilterVisitor
from scim2_models.path.expressions import (
    AttrPath,
    Comparison,
    LogicalExpr,
    Not,
    Present,
    ValuePath,
)

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"
CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:user"
CORE_GROUP = "urn:ietf:params:scim:schemas:core:2.0:group"
RSE = "urn:ietf:params:scim:schemas:extension:rse:2.0:user"

# (schema, attribute, sub-attribute) → (field, kind): "text" compares without case,
# "exact" with it, "id" is a primary key, "bool" a boolean.
USER_FIELDS = {
    ("", "id", None): ("pk", "id"),
    ("", "username", None): ("username", "text"),
    ("", "externalid", None): ("directory_entry__external_id", "exact"),
    ("", "emails", None): ("email", "text"),
    ("", "emails", "value"): ("email", "text"),
    ("", "name", "givenname"): ("first_name", "text"),
    ("", "name", "familyname"): ("last_name", "text"),
    ("", "title", None): ("job_title", "text"),
    ("", "usertype", None): ("directory_entry__user_type", "text"),
    ("", "active", None): ("is_active", "bool"),
    (ENTERPRISE, "employeenumber", None): ("directory_entry__employee_number", "exact"),
    (ENTERPRISE, "department", None): ("department", "text"),
    (ENTERPRISE, "organization", None): ("organisation", "text"),
    (ENTERPRISE, "manager", "value"): ("directory_entry__manager_id", "id"),
    (ENTERPRISE, "manager", None): ("directory_entry__manager_id", "id"),
    (RSE, "site", None): ("site", "text"),
    (RSE, "country", None): ("country", "text"),
    (RSE, "legalentity", None): ("legal_entity", "text"),
}
GROUP_FIELDS = {
    ("", "id", None): ("pk", "id"),
    ("", "displayname", None): ("display_name", "text"),
    ("", "externalid", None): ("external_id", "exact"),
    ("", "members", None): ("group__user", "id"),
    ("", "members", "value"): ("group__user", "id"),
}

TEXT_LOOKUPS = {"eq": "iexact", "co": "icontains", "sw": "istartswith", "ew": "iendswith"}
EXACT_LOOKUPS = {"eq": "exact", "co": "contains", "sw": "startswith", "ew": "endswith"}


class _ToQuery(FilterVisitor[Q]):
    def __init__(self, fields: dict, core: str, prefix: AttrPath | None = None):
        self.fields = fields
        self.core = core
        self.prefix = prefix

    def _field(self, path: AttrPath) -> tuple[str, str]:
        if self.prefix is not None:  # inside emails[...]: the sub-attribute of the prefix
            path = AttrPath(attr=self.prefix.attr, sub_attr=path.attr, uri=self.prefix.uri)
        uri = (path.uri or "").lower()
        if uri == self.core:
            uri = ""
        key = (uri, path.attr.lower(), path.sub_attr.lower() if path.sub_attr else None)
        if key not in self.fields:
            raise InvalidFilterException(
                detail=_("Filtering on %(attr)s is not supported.") % {"attr": path}
            )
        return self.fields[key]

    def visit_comparison(self, node: Comparison) -> Q:
        field, kind = self._field(node.attr_path)
        op = node.op.value.lower()
        value: Any = node.value
        if op == "ne":
            return ~self._equal(field, kind, value)
        if op == "eq":
            return self._equal(field, kind, value)
        if kind in ("text", "exact") and op in TEXT_LOOKUPS and isinstance(value, str):
            lookups = TEXT_LOOKUPS if kind == "text" else EXACT_LOOKUPS
            return Q(**{f"{field}__{lookups[op]}": value})
        raise InvalidFilterException(
            detail=_("The operator %(op)s is not supported on %(attr)s.")
            % {"op": op, "attr": node.attr_path}
        )

    def _equal(self, field: str, kind: str, value: Any) -> Q:
        if kind == "id":
            text = str(value)
            return Q(**{field: int(text)}) if text.isdigit() else Q(pk__in=[])
        if kind == "bool":
            if not isinstance(value, bool):
                raise InvalidFilterException(detail=_("Compare active with true or false."))
            return Q(**{field: value})
        if value is None:
            return Q(**{f"{field}__isnull": True}) | Q(**{field: ""})
        lookup = "iexact" if kind == "text" else "exact"
        return Q(**{f"{field}__{lookup}": str(value)})

    def visit_present(self, node: Present) -> Q:
        field, kind = self._field(node.attr_path)
        if kind in ("text", "exact"):
            return ~Q(**{field: ""}) & Q(**{f"{field}__isnull": False})
        return Q(**{f"{field}__isnull": False})

    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.expr)

    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        queries = [self.visit(term) for term in node.terms]
        combined = queries[0]
        for query in queries[1:]:
            combined = combined & query if node.op.value == "and" else combined | query
        return combined

    def visit_value_path(self, node: ValuePath) -> Q:
        return _ToQuery(self.fields, self.core, prefix=node.attr_path).visit(node.val_filter)


def to_query(text: str, *, kind: str) -> Q:
    """The Q object a SCIM filter on Users or Groups describes. Raises
    InvalidFilterException (scimType invalidFilter) on anything else."""
    try:
        parsed: ScimFilter = ScimFilter(text)
    except InvalidFilterException:
        raise
    except ValueError as exc:
        raise InvalidFilterException(detail=str(exc)) from None
    if kind == "User":
        return _ToQuery(USER_FIELDS, CORE_USER).visit(parsed.ast)
    return _ToQuery(GROUP_FIELDS, CORE_GROUP).visit(parsed.ast)
