"""The SQL pieces search is built from: folded text, stored columns, full-text queries
and capped counts, on PostgreSQL and SQLite alike (the selectors compose them)."""

import re
from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchVectorField,
)
from django.db import connection
from django.db.models import (
    Expression,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)

from .text import ParsedQuery, fold, stem

LANGUAGES = ("french", "english")


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _cap() -> int:
    return settings.RSE_SEARCH_MAX_RESULTS


class CappedCount(Subquery):
    """The number of rows of a subquery given already sliced (one past its cap)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


class Fold(Func):
    """Lower case without accents, in SQL: `rse_unaccent(lower(x))` on PostgreSQL (as in
    the trigram indexes), `rse_fold(x)` on SQLite (registered by search.apps)."""

    function = "rse_fold"
    arity = 1
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="rse_unaccent(lower(%(expressions)s))", **extra
        )


class NotIndexed(Func):
    """The same date, as an expression no index covers (`created_at + '0 s'`)."""

    template = "(%(expressions)s + interval '0 s')"
    arity = 1


class Unaccent(Func):
    function = "rse_unaccent"
    output_field = TextField()


class StoredColumn(Expression):
    """A column the search migration keeps on another app's table (PostgreSQL only).

    The models do not declare it, so it is named here, on the base table of the query it
    is used in (under that query's own alias, which is not the table name when the query
    runs as a subquery)."""

    def __init__(self, column: str, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        table = compiler.quote_name_unless_alias(alias)
        return f"{table}.{connection.ops.quote_name(self.column)}", []


def _vector() -> StoredColumn:
    return StoredColumn("search_vector", SearchVectorField())


def _search_name() -> StoredColumn:
    return StoredColumn("search_name", TextField())


def _tsquery(text: str, *, phrase: bool = False, configs=LANGUAGES):
    """Matches `text` stemmed in any of `configs` (a French or an English reading)."""
    search_type = "phrase" if phrase else "plain"
    queries = [
        SearchQuery(Unaccent(Value(text)), config=config, search_type=search_type)
        for config in configs
    ]
    return reduce(or_, queries)


def _all_terms(query: ParsedQuery):
    """Every word and phrase, all required, as one tsquery (or None)."""
    parts = [_tsquery(word) for word in query.words]
    parts += [_tsquery(phrase, phrase=True) for phrase in query.phrases]
    return reduce(and_, parts) if parts else None


def _folded_contains(fields: list[str], term: str) -> Q:
    """SQLite: one of `fields` contains the term (folded, plural-insensitive)."""
    needle = stem(fold(term))
    return reduce(or_, (Q(**{f"_fold_{name}__contains": needle}) for name in fields))


def _phrase_pattern(phrase: str) -> str:
    """SQLite: the words of a phrase in order, whatever punctuation or markup between
    them (the words are letters and digits only, and escaped all the same)."""
    return r"\b" + r"[\W_]+".join(re.escape(fold(word)) for word in phrase.split())


def _with_folds(queryset: QuerySet, fields: list[str]) -> QuerySet:
    return queryset.alias(**{f"_fold_{name}": Fold(F(name)) for name in fields})
