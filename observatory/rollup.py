"""The nightly rollup: one day of activity into the aggregate tables.

`rollup_day(day)` reads the day from the source tables (posts, comments, likes, questions,
memberships, reports, cases) and the day's readings, then writes:

1. one `CommunityDay` row per community, in batches of RSE_JOB_BATCH_SIZE communities,
   each batch one transaction that also moves `RollupDay.cursor` forward;
2. in one last transaction, the `SegmentDay` rows (departments and sites), the
   `NetworkDay` row, the presences of the day's contributors, the week and month
   figures, and the deletion of the day's readings (and of the presences of a period
   that ended), with `RollupDay.finished_at`.

A run killed half-way leaves whole batches written; the next run computes the day
again (the same figures: the day is over) and carries on after the cursor. Running a
finished day again (`observatory_rollup --since … --until …`) rewrites the same rows;
once the readings of a day are deleted, its reader figures are kept as they were.

After a run over several days (`rollup_range`: the nightly task and the command), the
top tags of every community for the dashboard's preset periods ending on its last day,
if no later day is rolled up: once per run, not per day (observatory/toptags.py).

Days are local dates (TIME_ZONE): a day runs from local midnight to local midnight.
"""

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from communities.models import Community, Membership
from moderation.models import Case, Report
from posts.models import Comment, Like, Post, Status
from profiles.models import User
from questions.models import Question

from . import toptags
from .models import (
    CommunityDay,
    NetworkDay,
    NetworkPeriod,
    Presence,
    Reading,
    RollupDay,
    SegmentDay,
)
from .services import day_bounds, month_of, presence_add, token, week_of

# Columns that come from the readings: kept as they were once the readings are gone.
READER_COLUMNS = ("readers", "active")


def _median(values: list[float]) -> int | None:
    return round(statistics.median(values)) if values else None


@dataclass
class DayFigures:
    """Everything the rollup writes for a day, computed before any write."""

    day: date
    communities: dict[int, dict] = field(default_factory=dict)
    segments: dict[tuple[str, str], dict] = field(default_factory=dict)
    network: dict = field(default_factory=dict)
    # Contributors of the day and the highest level they reached (2 posted, 1 reacted).
    levels: dict[int, int] = field(default_factory=dict)


def _empty_community() -> dict:
    return {
        "members": 0,
        "new_members": 0,
        "readers": 0,
        "contributors": 0,
        "active": 0,
        "posts": 0,
        "comments": 0,
        "likes": 0,
        "first_comment_minutes": None,
        "first_comments": 0,
        "requests_decided": 0,
        "request_delay_hours": None,
        "reports": 0,
        "reporters": 0,
        "cases_decided": 0,
        "decision_hours": None,
        "questions": 0,
        "questions_answered": 0,
        "questions_resolved": 0,
        "askers": 0,
        "hours": [0] * 24,
    }


def _empty_segment() -> dict:
    return {"readers": 0, "contributors": 0, "active": 0, "posts": 0, "comments": 0, "likes": 0}


class _Day:
    """The day's source rows, read once."""

    def __init__(self, day: date):
        self.day = day
        self.start, self.end = day_bounds(day)
        window = {"created_at__gte": self.start, "created_at__lt": self.end}
        self.posts = list(
            Post.objects.filter(**window).values_list("community_id", "author_id", "created_at")
        )
        earlier = Comment.objects.filter(post=OuterRef("post")).filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        self.comments = list(
            Comment.objects.filter(**window)
            .annotate(first=~Exists(earlier))
            .values_list(
                "post__community_id", "author_id", "created_at", "post__created_at", "first"
            )
        )
        self.likes = list(
            Like.objects.filter(**window).values_list(
                Coalesce("post__community_id", "comment__post__community_id"), "user_id"
            )
        )
        self.reports = list(
            Report.objects.filter(**window).values_list("case__community_id", "reporter_id")
        )
        self.cases: list[tuple[int | None, datetime, datetime]] = [
            (community_id, opened, decided)
            for community_id, opened, decided in Case.objects.filter(
                decided_at__gte=self.start, decided_at__lt=self.end
            ).values_list("community_id", "opened_at", "decided_at")
            if decided is not None
        ]
        active = Membership.objects.filter(status=Membership.Status.ACTIVE).annotate(
            joined=Coalesce("decided_at", "created_at")
        )
        self.members = dict(
            active.filter(joined__lt=self.end)
            .values("community_id")
            .annotate(n=Count("pk"))
            .values_list("community_id", "n")
        )
        self.new_members = dict(
            active.filter(joined__gte=self.start, joined__lt=self.end)
            .values("community_id")
            .annotate(n=Count("pk"))
            .values_list("community_id", "n")
        )
        # Requests to join decided by a manager (not invitations, not free joins).
        self.requests: list[tuple[int, datetime, datetime]] = [
            (community_id, asked, decided)
            for community_id, asked, decided in Membership.objects.filter(
                status__in=[Membership.Status.ACTIVE, Membership.Status.REJECTED],
                invited_by__isnull=True,
                decided_by__isnull=False,
                decided_at__gte=self.start,
                decided_at__lt=self.end,
            ).values_list("community_id", "created_at", "decided_at")
            if decided is not None
        ]
        # Questions asked that day, answered (a published comment) and resolved (an
        # answer accepted) as of now: the rollup runs the following night.
        answered = Comment.objects.filter(post=OuterRef("post"), status=Status.PUBLISHED)
        self.questions: list[tuple[int | None, int, bool, bool]] = [
            (community_id, asker_id, has_answer, resolved_at is not None)
            for community_id, asker_id, has_answer, resolved_at in Question.objects.filter(
                post__created_at__gte=self.start, post__created_at__lt=self.end
            )
            .annotate(answered=Exists(answered))
            .values_list("post__community_id", "post__author_id", "answered", "resolved_at")
        ]
        self.readings = list(
            Reading.objects.filter(day=day).values_list(
                "community_id", "token", "department", "site"
            )
        )
        contributors = {a for _, a, _ in self.posts} | {a for _, a, *_ in self.comments}
        contributors |= {u for _, u in self.likes}
        self.people = {
            pk: (department, site)
            for pk, department, site in User.objects.filter(pk__in=contributors).values_list(
                "pk", "department", "site"
            )
        }
        self.community_ids = list(
            Community.objects.filter(created_at__lt=self.end)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


# Each community indicator: a function of the day's rows that fills its columns. A new
# indicator (as `_questions`) is one more function here and its columns.
COMMUNITY_METRICS: list[Callable[[_Day, dict[int, dict]], None]] = []


def community_metric(function: Callable[[_Day, dict[int, dict]], None]):
    COMMUNITY_METRICS.append(function)
    return function


@community_metric
def _contributions(src: _Day, rows: dict[int, dict]) -> None:
    contributors: dict[int, set[int]] = defaultdict(set)
    for community_id, author_id, created_at in src.posts:
        if community_id is None:
            continue
        row = rows[community_id]
        row["posts"] += 1
        row["hours"][timezone.localtime(created_at).hour] += 1
        contributors[community_id].add(author_id)
    delays: dict[int, list[float]] = defaultdict(list)
    for community_id, author_id, created_at, post_created_at, first in src.comments:
        if community_id is None:
            continue
        row = rows[community_id]
        row["comments"] += 1
        row["hours"][timezone.localtime(created_at).hour] += 1
        contributors[community_id].add(author_id)
        if first:
            delays[community_id].append((created_at - post_created_at).total_seconds() / 60)
    for community_id, user_id in src.likes:
        if community_id is None:
            continue
        rows[community_id]["likes"] += 1
        contributors[community_id].add(user_id)
    for community_id, values in delays.items():
        rows[community_id]["first_comments"] = len(values)
        rows[community_id]["first_comment_minutes"] = _median(values)
    readers: dict[int, set[str]] = defaultdict(set)
    for community_id, daily, _, _ in src.readings:
        if community_id:
            readers[community_id].add(daily)
    scope = src.day.isoformat()
    for community_id in set(contributors) | set(readers):
        if community_id not in rows:
            continue
        people = contributors.get(community_id, set())
        tokens = readers.get(community_id, set())
        rows[community_id]["contributors"] = len(people)
        rows[community_id]["readers"] = len(tokens)
        rows[community_id]["active"] = len(tokens | {token(scope, pk) for pk in people})


@community_metric
def _memberships(src: _Day, rows: dict[int, dict]) -> None:
    for community_id, n in src.members.items():
        if community_id in rows:
            rows[community_id]["members"] = n
    for community_id, n in src.new_members.items():
        if community_id in rows:
            rows[community_id]["new_members"] = n
    delays: dict[int, list[float]] = defaultdict(list)
    for community_id, created_at, decided_at in src.requests:
        delays[community_id].append((decided_at - created_at).total_seconds() / 3600)
    for community_id, values in delays.items():
        if community_id in rows:
            rows[community_id]["requests_decided"] = len(values)
            rows[community_id]["request_delay_hours"] = _median(values)


@community_metric
def _moderation(src: _Day, rows: dict[int, dict]) -> None:
    reporters: dict[int, set[int]] = defaultdict(set)
    for community_id, reporter_id in src.reports:
        if community_id in rows:
            rows[community_id]["reports"] += 1
            reporters[community_id].add(reporter_id)
    for community_id, people in reporters.items():
        rows[community_id]["reporters"] = len(people)
    delays: dict[int, list[float]] = defaultdict(list)
    for case_community, opened_at, decided_at in src.cases:
        if case_community in rows:
            delays[case_community].append((decided_at - opened_at).total_seconds() / 3600)
    for community_id, values in delays.items():
        rows[community_id]["cases_decided"] = len(values)
        rows[community_id]["decision_hours"] = _median(values)


def _question_figures(questions: Iterable[tuple[int | None, int, bool, bool]]) -> dict:
    asked = list(questions)
    return {
        "questions": len(asked),
        "questions_answered": sum(1 for q in asked if q[2]),
        "questions_resolved": sum(1 for q in asked if q[3]),
        "askers": len({q[1] for q in asked}),
    }


@community_metric
def _questions(src: _Day, rows: dict[int, dict]) -> None:
    by_community: dict[int, list] = defaultdict(list)
    for question in src.questions:
        if question[0] in rows:
            by_community[question[0]].append(question)
    for community_id, asked in by_community.items():
        rows[community_id].update(_question_figures(asked))


def _segments(src: _Day) -> dict[tuple[str, str], dict]:
    segments: dict[tuple[str, str], dict] = defaultdict(_empty_segment)
    readers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for _, daily, department, site in src.readings:
        readers[("department", department)].add(daily)
        readers[("site", site)].add(daily)
    contributors: dict[tuple[str, str], set[int]] = defaultdict(set)

    def count(user_id: int, column: str) -> None:
        department, site = src.people.get(user_id, ("", ""))
        for key in (("department", department), ("site", site)):
            segments[key][column] += 1
            contributors[key].add(user_id)

    for _, author_id, _ in src.posts:
        count(author_id, "posts")
    for _, author_id, *_ in src.comments:
        count(author_id, "comments")
    for _, user_id in src.likes:
        count(user_id, "likes")
    scope = src.day.isoformat()
    for key in set(readers) | set(contributors):
        people = contributors.get(key, set())
        tokens = readers.get(key, set())
        row = segments[key]
        row["readers"] = len(tokens)
        row["contributors"] = len(people)
        row["active"] = len(tokens | {token(scope, pk) for pk in people})
    return dict(segments)


def _network(src: _Day) -> tuple[dict, dict[int, int]]:
    levels: dict[int, int] = {}
    for _, user_id in src.likes:
        levels[user_id] = max(levels.get(user_id, 0), Presence.Level.REACTED)
    for _, author_id, *_ in src.comments:
        levels[author_id] = max(levels.get(author_id, 0), Presence.Level.REACTED)
    for _, author_id, _ in src.posts:
        levels[author_id] = Presence.Level.CREATED
    tokens = {daily for _, daily, _, _ in src.readings}
    scope = src.day.isoformat()
    people = User.objects.filter(is_active=True, date_joined__lt=src.end)
    decisions = [(d - o).total_seconds() / 3600 for _, o, d in src.cases]
    network = {
        "workforce": people.filter(kind=User.Kind.EMPLOYEE).count(),
        "externals": people.filter(kind=User.Kind.EXTERNAL).count(),
        "readers": len(tokens),
        "contributors": len(levels),
        "active": len(tokens | {token(scope, pk) for pk in levels}),
        "posts": len(src.posts),
        "comments": len(src.comments),
        "likes": len(src.likes),
        "reports": len(src.reports),
        "reporters": len({r for _, r in src.reports}),
        "cases_decided": len(src.cases),
        "decision_hours": _median(decisions),
        **_question_figures(src.questions),
    }
    return network, levels


def compute_day(day: date) -> DayFigures:
    """The figures of `day`, read from the source tables (no write)."""
    src = _Day(day)
    # Communities that existed that day; a post moved since into a younger community
    # brings it in too.
    rows: dict[int, dict] = defaultdict(_empty_community)
    for pk in src.community_ids:
        rows[pk] = _empty_community()
    for metric in COMMUNITY_METRICS:
        metric(src, rows)
    network, levels = _network(src)
    return DayFigures(
        day=day, communities=dict(rows), segments=_segments(src), network=network, levels=levels
    )


# --- Writing ---------------------------------------------------------------------------


def _after_batch() -> None:
    """The jobs' per-batch hook (RSE_JOB_BATCH_HOOK, tests only; see README)."""
    if settings.RSE_JOB_BATCH_HOOK:
        import_string(settings.RSE_JOB_BATCH_HOOK)()


def _keep_readers(new: dict, old: dict | None) -> dict:
    if old is not None:
        for column in READER_COLUMNS:
            new[column] = old[column]
    return new


def _write_communities(figures: DayFigures, state: RollupDay) -> int:
    size = settings.RSE_JOB_BATCH_SIZE
    pending = [pk for pk in sorted(figures.communities) if pk > state.cursor]
    batches = 0
    for index in range(0, len(pending), size):
        batch = pending[index : index + size]
        with transaction.atomic():
            existing = CommunityDay.objects.filter(day=figures.day, community_id__in=batch)
            old = {}
            if state.readings_counted:
                old = {
                    row["community_id"]: row
                    for row in existing.values("community_id", *READER_COLUMNS)
                }
            existing.delete()
            CommunityDay.objects.bulk_create(
                [
                    CommunityDay(
                        day=figures.day,
                        community_id=pk,
                        **_keep_readers(dict(figures.communities[pk]), old.get(pk)),
                    )
                    for pk in batch
                ]
            )
            RollupDay.objects.filter(pk=state.pk).update(cursor=batch[-1])
            state.cursor = batch[-1]
            _after_batch()
        batches += 1
    return batches


def _period_bounds(kind: str, day: date) -> tuple[str, date, date]:
    if kind == NetworkPeriod.Kind.WEEK:
        start = day - timedelta(days=day.weekday())
        return week_of(day), start, start + timedelta(days=6)
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return month_of(day), start, following - timedelta(days=1)


def _write_periods(day: date, *, with_presence: bool) -> None:
    """The week and the month of `day`, from their presences; a period whose last day
    is `day` is complete and its presences are deleted."""
    for kind in (NetworkPeriod.Kind.WEEK, NetworkPeriod.Kind.MONTH):
        period, start, last = _period_bounds(kind, day)
        done = NetworkPeriod.objects.filter(kind=kind, period=period, complete=True).exists()
        if done or not with_presence:
            continue
        counts = dict(
            Presence.objects.filter(period=period)
            .values("level")
            .annotate(n=Count("pk"))
            .values_list("level", "n")
        )
        _, end = day_bounds(last)
        workforce = User.objects.filter(
            is_active=True, kind=User.Kind.EMPLOYEE, date_joined__lt=min(end, day_bounds(day)[1])
        ).count()
        NetworkPeriod.objects.update_or_create(
            kind=kind,
            period=period,
            defaults={
                "start": start,
                "complete": day >= last,
                "workforce": workforce,
                "active": sum(counts.values()),
                "creators": counts.get(Presence.Level.CREATED, 0),
                "reactors": counts.get(Presence.Level.REACTED, 0),
                "readers_only": counts.get(Presence.Level.READ, 0),
            },
        )
        if day >= last:
            Presence.objects.filter(period=period).delete()


def _finish(figures: DayFigures, state: RollupDay) -> None:
    day = figures.day
    with transaction.atomic():
        old_segments = {}
        old_network = None
        if state.readings_counted:
            old_segments = {
                (r["kind"], r["name"]): r
                for r in SegmentDay.objects.filter(day=day).values("kind", "name", *READER_COLUMNS)
            }
            old_network = NetworkDay.objects.filter(day=day).values(*READER_COLUMNS).first()
        SegmentDay.objects.filter(day=day).delete()
        SegmentDay.objects.bulk_create(
            [
                SegmentDay(
                    day=day,
                    kind=kind,
                    name=name,
                    **_keep_readers(dict(row), old_segments.get((kind, name))),
                )
                for (kind, name), row in sorted(figures.segments.items())
            ]
        )
        NetworkDay.objects.update_or_create(
            day=day, defaults=_keep_readers(dict(figures.network), old_network)
        )
        if not state.readings_counted:
            # Not into a week or month already counted and emptied (a day rolled up
            # late): its tokens would stay forever.
            closed = set(
                NetworkPeriod.objects.filter(
                    period__in=[week_of(day), month_of(day)], complete=True
                ).values_list("period", flat=True)
            )
            periods = [p for p in (week_of(day), month_of(day)) if p not in closed]
            for level in (Presence.Level.CREATED, Presence.Level.REACTED):
                who = [pk for pk, lv in figures.levels.items() if lv == level]
                presence_add(who, day, level, periods)
        _write_periods(day, with_presence=not state.readings_counted)
        Reading.objects.filter(day=day).delete()
        RollupDay.objects.filter(pk=state.pk).update(
            readings_counted=True, finished_at=timezone.now()
        )


@dataclass
class RollupResult:
    day: date
    communities: int
    batches: int
    resumed_after: int


def rollup_day(day: date, *, dry_run: bool = False) -> RollupResult:
    """Roll `day` up (again): see the module's docstring."""
    if dry_run:
        figures = compute_day(day)
        known = RollupDay.objects.filter(day=day).first()
        return RollupResult(day, len(figures.communities), 0, known.cursor if known else 0)
    state, _ = RollupDay.objects.get_or_create(day=day)
    figures = compute_day(day)
    resumed_after = state.cursor
    if state.finished_at is not None:  # a finished day rolled up again: from the start
        RollupDay.objects.filter(pk=state.pk).update(cursor=0, finished_at=None)
        state.cursor, resumed_after = 0, 0
    batches = _write_communities(figures, state)
    _finish(figures, state)
    return RollupResult(day, len(figures.communities), batches, resumed_after)


def pending_days(today: date) -> list[date]:
    """The days the nightly run rolls up: every unfinished day before today, and the days
    since the last finished one (at most OBSERVATORY_CATCH_UP_DAYS back)."""
    yesterday = today - timedelta(days=1)
    floor = today - timedelta(days=settings.OBSERVATORY_CATCH_UP_DAYS)
    unfinished = set(
        RollupDay.objects.filter(
            finished_at__isnull=True, day__lt=today, day__gte=floor
        ).values_list("day", flat=True)
    )
    last = (
        RollupDay.objects.filter(finished_at__isnull=False, day__lt=today)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    first = max(last + timedelta(days=1), floor) if last else yesterday
    days = unfinished | {first + timedelta(days=n) for n in range((yesterday - first).days + 1)}
    return sorted(days)


def purge_stale(today: date) -> int:
    """Readings of days the nightly run no longer catches up (older than
    OBSERVATORY_CATCH_UP_DAYS): deleted uncounted rather than kept."""
    floor = today - timedelta(days=settings.OBSERVATORY_CATCH_UP_DAYS)
    deleted, _ = Reading.objects.filter(day__lt=floor).delete()
    return deleted


def rollup_range(days: Iterable[date], *, dry_run: bool = False) -> list[RollupResult]:
    """Roll the days up, then store the top tags of the last one if it is the most
    recent day rolled up (observatory/toptags.py): once per run, not per day."""
    days = list(days)
    results = [rollup_day(day, dry_run=dry_run) for day in days]
    if not dry_run:
        toptags.store_after(days)
    return results
