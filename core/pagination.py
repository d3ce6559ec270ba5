"""Counting that stops: a list of tens of thousands of rows says "1,000+" instead of
counting them all (a third of a directory or search page's time), and its pages stop
there too. The cap is `RSE_SEARCH_MAX_RESULTS`."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext


def max_results() -> int:
    return settings.RSE_SEARCH_MAX_RESULTS


def capped_count(queryset: QuerySet, cap: int | None = None) -> int:
    """The number of rows, counted no further than one past `cap` (unordered: the
    database stops at the first rows it finds).

    A queryset made from ids its selector has just read (the newest matches of a
    search) carries their number as `known_count`: no need to ask again."""
    cap = max_results() if cap is None else cap
    known = getattr(queryset, "known_count", None)
    if known is not None:
        return min(known, cap + 1)
    return queryset.order_by().values("pk")[: cap + 1].count()


def count_label(count: int, cap: int | None = None) -> str:
    """1,234 — or "1,000+" past the cap."""
    cap = max_results() if cap is None else cap
    if count > cap:
        return gettext("%(count)s+") % {"count": number_format(cap, force_grouping=True)}
    return number_format(count, force_grouping=True)


class CappedPaginator(Paginator):
    """Pages through the first rows of a queryset, counted by `capped_count`."""

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)  # type: ignore[arg-type]  # a queryset

    @property
    def capped(self) -> bool:
        return self.count > max_results()

    @property
    def count_label(self) -> str:
        return count_label(self.count)
