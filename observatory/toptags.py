"""A community's top tags over a period: counted live, or stored by the nightly run.

The rules (`tag_counts`): the tag links of the period's posts in the community, per tag
the posts and their distinct authors, only the tags used by at least `threshold()`
authors, at most TOP_TAGS of them, by posts then by name. Distinct authors over a
period cannot be summed from daily rows, and counting them live is too much for a page
view in a large community (a year: tens of thousands of links), so after a run of the
rollup (`rollup.rollup_range`) the most recent day rolled up gets the top tags of every
community for each preset period of the dashboard ending that day (`store`), with the
same rules, in one query per period over all communities; they replace the previous
ones. The dashboard reads them when they match its period (`stored`), and counts live
otherwise (a custom period, or the night's run not done yet).
"""

import logging
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber

from communities.models import Community
from posts.models import TaggedPost

from .forms import PRESETS, Period
from .models import CommunityTopTag, RollupDay
from .privacy import threshold
from .services import day_bounds

logger = logging.getLogger(__name__)

TOP_TAGS = 10
COMMUNITY = "content_object__community_id"


def tag_counts(first: date, last: date, *group: str) -> QuerySet:
    """Per tag (and per `group` columns), the posts and distinct authors of the tag
    links of the days `first` to `last`, for tags used by at least `threshold()`
    people."""
    start, end = day_bounds(first)[0], day_bounds(last)[1]
    return (
        TaggedPost.objects.filter(created_at__gte=start, created_at__lt=end)
        .values(*group, "tag__name")
        .annotate(
            posts=Count("content_object_id"),
            authors=Count("content_object__author_id", distinct=True),
        )
        .filter(authors__gte=threshold())
    )


def live(community: Community, period: Period) -> list[tuple[str, int, int]]:
    """The community's top tags over `period`, counted now: (name, posts, authors)."""
    rows = (
        tag_counts(period.start, period.end)
        .filter(content_object__community=community)
        .order_by("-posts", "tag__name")[:TOP_TAGS]
    )
    return [(row["tag__name"], row["posts"], row["authors"]) for row in rows]


def ranked(first: date, last: date) -> QuerySet:
    """Every community's top tags over the days `first` to `last`, ranked (one query)."""
    return (
        tag_counts(first, last, COMMUNITY)
        .filter(content_object__community__isnull=False)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F(COMMUNITY)],
                order_by=[F("posts").desc(), F("tag__name").asc()],
            )
        )
        .filter(rank__lte=TOP_TAGS)
        .order_by(COMMUNITY, "rank")
    )


def preset(key: str, last: date) -> Period:
    """The preset period `key` of the period picker ending on `last`."""
    return Period(key, last - timedelta(days=PRESETS[key] - 1), last)


def store(day: date) -> int:
    """Count and store every community's top tags of the preset periods ending `day`,
    in place of the stored ones (of `day` or of an earlier day). Returns the rows."""
    rows = [
        CommunityTopTag(
            community_id=row[COMMUNITY],
            period=key,
            last_day=day,
            rank=row["rank"],
            tag=row["tag__name"],
            posts=row["posts"],
            authors=row["authors"],
        )
        for key in PRESETS
        for row in ranked(preset(key, day).start, day)
    ]
    with transaction.atomic():
        CommunityTopTag.objects.all().delete()
        CommunityTopTag.objects.bulk_create(rows, batch_size=2000)
        RollupDay.objects.exclude(day=day).filter(top_tags_threshold__isnull=False).update(
            top_tags_threshold=None
        )
        RollupDay.objects.filter(day=day).update(top_tags_threshold=threshold())
    return len(rows)


def store_after(days: list[date]) -> date | None:
    """After a run of the rollup over `days`: store the top tags of its last day if no
    later day is rolled up (a backfill of older days stores nothing). Returns the day
    stored, if any."""
    if not days:
        return None
    last = max(days)
    later = RollupDay.objects.filter(day__gt=last, finished_at__isnull=False).exists()
    if later or not RollupDay.objects.filter(day=last, finished_at__isnull=False).exists():
        return None
    stored_rows = store(last)
    logger.info("observatory top tags of the periods ending %s: %s rows", last, stored_rows)
    return last


def stored(community: Community, period: Period) -> list[tuple[str, int, int]] | None:
    """The community's stored top tags for `period`, or None when there are none to
    read: a custom period, a preset whose last day was not stored (yet), or stored with
    another threshold."""
    if period.key not in PRESETS or period != preset(period.key, period.end):
        return None
    if not RollupDay.objects.filter(day=period.end, top_tags_threshold=threshold()).exists():
        return None
    return list(
        CommunityTopTag.objects.filter(community=community, period=period.key, last_day=period.end)
        .order_by("rank")
        .values_list("tag", "posts", "authors")
    )
