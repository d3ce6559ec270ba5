"""`field__any=[...]`: membership in a long list of ids, cheap to build.

`field__in=[...]` makes one placeholder per value, each prepared by Django and parsed by
the database: with the several hundred communities a person may read, repeated in every
part of a stream query, that costs more than running the query. On PostgreSQL this
sends the list as one array parameter (`field = ANY(%s)`, what PostgreSQL turns `IN`
into anyway); elsewhere it is a plain `IN`.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import ForeignObject, IntegerField, Lookup


@IntegerField.register_lookup  # ids (AutoField and BigAutoField are integer fields)
@ForeignObject.register_lookup  # foreign keys, which do not inherit the lookups of fields
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [int(value) for value in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, values]
        if not values:
            raise EmptyResultSet
        placeholders = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *values]
