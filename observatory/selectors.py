"""Reads of the dashboards: tables of cells (privacy.Cell) built from the aggregates.

People over a week or a month cannot be summed from daily counts, and the observatory
keeps no identity from one day to the next: a week's or a month's "active people" in a
community or a department is the **highest daily figure** of that week or month, a
lower bound of the distinct people. Activity (posts, comments, likes) of a week or a
month is shown only when that lower bound of its contributors reaches the threshold:
then it provably comes from at least that many people. The network's weekly and
monthly active people are exact (the presences, see models.Presence).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from charter.models import CharterAcceptance, CharterVersion
from communities.models import Community, Membership
from moderation.models import Case
from profiles.models import User

from . import charts, toptags
from .forms import Period
from .models import CommunityDay, NetworkDay, NetworkPeriod, SegmentDay
from .privacy import Cell, complement, from_people, people, plain, share, threshold
from .services import day_bounds

HEALTH_WINDOW_DAYS = 30
HEALTH_CHANGE = 0.2  # ±20 %: growing or declining


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)  # a text label, then cells
    chart: SafeString | None = None
    note: str = ""

    def csv_rows(self) -> list[list[str]]:
        return [self.columns] + [
            [row[0], *(c.csv() if isinstance(c, Cell) else str(c) for c in row[1:])]
            for row in self.rows
        ]


# --- Buckets of days ---------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # included
    label: str


def buckets(period: Period) -> list[Bucket]:
    out = []
    day = period.start
    while day <= period.end:
        if period.grain == "day":
            end = day
            label = date_format(day, "SHORT_DATE_FORMAT")
        elif period.grain == "week":
            end = min(day + timedelta(days=6), period.end)
            label = date_format(day, "SHORT_DATE_FORMAT")
        else:
            following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
            end = min(following - timedelta(days=1), period.end)
            label = date_format(day, "YEAR_MONTH_FORMAT")
        out.append(Bucket(day, end, label))
        day = end + timedelta(days=1)
    return out


def _by_bucket(rows: list[dict], bounds: list[Bucket]) -> list[list[dict]]:
    grouped: list[list[dict]] = [[] for _ in bounds]
    index = 0
    for row in sorted(rows, key=lambda r: r["day"]):
        while index < len(bounds) and row["day"] > bounds[index].end:
            index += 1
        if index < len(bounds) and row["day"] >= bounds[index].start:
            grouped[index].append(row)
    return grouped


def _total(rows: list[dict], column: str) -> int:
    return sum(r[column] or 0 for r in rows)


def _peak(rows: list[dict], column: str) -> int:
    return max((r[column] or 0 for r in rows), default=0)


def _bucket_heading(period: Period) -> str:
    return {"day": _("Day"), "week": _("Week from"), "month": _("Month")}[period.grain]


def _activity_table(key: str, period: Period, rows: list[dict], title: str) -> Table:
    bounds = buckets(period)
    table = Table(
        key,
        title,
        [
            _bucket_heading(period),
            _("Posts"),
            _("Comments"),
            _("Likes"),
            _("Contributors (highest day)"),
            _("Active people (highest day)"),
        ],
    )
    for bucket, group in zip(bounds, _by_bucket(rows, bounds), strict=True):
        contributors = _peak(group, "contributors")
        table.rows.append(
            [
                bucket.label,
                from_people(_total(group, "posts"), contributors),
                from_people(_total(group, "comments"), contributors),
                from_people(_total(group, "likes"), contributors),
                people(contributors),
                people(_peak(group, "active")),
            ]
        )
    labels = [r[0] for r in table.rows]
    table.chart = charts.both(
        charts.line_chart,
        f"chart-{key}",
        title,
        labels,
        [(table.columns[i], [r[i] for r in table.rows]) for i in (1, 2, 3)],
    )
    return table


# --- The network ---------------------------------------------------------------------------


DAY_COLUMNS = [
    "day",
    "readers",
    "contributors",
    "active",
    "posts",
    "comments",
    "likes",
    "reports",
    "reporters",
    "workforce",
    "externals",
    "questions",
    "questions_answered",
    "questions_resolved",
    "askers",
]


def network_dashboard(period: Period) -> dict:
    days = list(
        NetworkDay.objects.filter(day__gte=period.start, day__lte=period.end).values(*DAY_COLUMNS)
    )
    before = period.previous()
    previous = NetworkDay.objects.filter(day__gte=before.start, day__lte=before.end).aggregate(
        posts=Sum("posts"), comments=Sum("comments"), contributors=Max("contributors")
    )
    tables = [
        _activity_table("activity", period, days, _("Activity over time")),
        _adoption_table(period),
        *_segment_tables(period),
        _health_table(period.end),
        _charter_table(),
        _questions_table(period, days),
        _moderation_table(period, days),
        _externals_table(period, days),
    ]
    # The last complete week and month (up to ten weeks start after a month does): one query.
    latest = list(NetworkPeriod.objects.filter(complete=True).order_by("-start")[:16])
    month = next((p for p in latest if p.kind == NetworkPeriod.Kind.MONTH), None)
    week = next((p for p in latest if p.kind == NetworkPeriod.Kind.WEEK), None)
    contributions = _total(days, "posts") + _total(days, "comments")
    return {
        "tables": tables,
        "month": _headline(month),
        "week": _headline(week),
        "contributions": from_people(contributions, _peak(days, "contributors")),
        "previous_contributions": from_people(
            (previous["posts"] or 0) + (previous["comments"] or 0), previous["contributors"] or 0
        ),
        "rolled_days": len(days),
    }


def _headline(row: NetworkPeriod | None) -> dict | None:
    if row is None:
        return None
    return {
        "period": row.period,
        "start": row.start,
        "active": people(row.active),
        "share": share(row.active, row.workforce, row.active),
    }


def _adoption_table(period: Period) -> Table:
    kind = NetworkPeriod.Kind.WEEK if period.grain != "month" else NetworkPeriod.Kind.MONTH
    # The weeks (months) that overlap the period.
    if kind == NetworkPeriod.Kind.WEEK:
        first = period.start - timedelta(days=period.start.weekday())
    else:
        first = period.start.replace(day=1)
    rows = NetworkPeriod.objects.filter(
        kind=kind, start__lte=period.end, start__gte=first
    ).order_by("start")
    title = _("Active people and how they take part (1 / 9 / 90)")
    table = Table(
        "adoption",
        title,
        [
            _("Week") if kind == NetworkPeriod.Kind.WEEK else _("Month"),
            _("Active people"),
            _("Share of employees"),
            _("Posted"),
            _("Commented or liked only"),
            _("Read only"),
        ],
        note=_(
            "Exact distinct people over each calendar week or month; the current one is "
            "counted so far."
        ),
    )
    for row in rows:
        label = (
            date_format(row.start, "YEAR_MONTH_FORMAT")
            if kind == NetworkPeriod.Kind.MONTH
            else date_format(row.start, "SHORT_DATE_FORMAT")
        )
        if not row.complete:
            label = _("%(period)s (so far)") % {"period": label}
        parts = complement([people(row.creators), people(row.reactors), people(row.readers_only)])
        table.rows.append(
            [label, people(row.active), share(row.active, row.workforce, row.active), *parts]
        )
    table.chart = charts.both(
        charts.stacked_bars,
        "chart-adoption",
        title,
        [r[0] for r in table.rows],
        [(table.columns[i], [r[i] for r in table.rows]) for i in (3, 4, 5)],
    )
    return table


def _segment_tables(period: Period) -> list[Table]:
    rows = (
        SegmentDay.objects.filter(day__gte=period.start, day__lte=period.end)
        .values("kind", "name")
        .annotate(
            active=Max("active"),
            contributors=Max("contributors"),
            posts=Sum("posts"),
            comments=Sum("comments"),
            likes=Sum("likes"),
        )
        .order_by("kind", "name")
    )
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["kind"]].append(row)
    tables = []
    for kind, title, heading in (
        (SegmentDay.Kind.DEPARTMENT, _("Departments reached"), _("Department")),
        (SegmentDay.Kind.SITE, _("Sites reached"), _("Site")),
    ):
        table = Table(
            f"{kind}s",
            title,
            [
                heading,
                _("Active people (highest day)"),
                _("Contributors (highest day)"),
                _("Posts, comments and likes"),
            ],
        )
        reached = 0
        for row in sorted(grouped[kind], key=lambda r: (-r["active"], r["name"])):
            reached += row["active"] >= threshold()
            table.rows.append(
                [
                    row["name"] or _("Not given"),
                    people(row["active"]),
                    people(row["contributors"]),
                    from_people(row["posts"] + row["comments"] + row["likes"], row["contributors"]),
                ]
            )
        # The contributions of all of them add up to the network's: one hidden alone
        # could be worked out.
        for line, cell in zip(table.rows, complement([r[3] for r in table.rows]), strict=True):
            line[3] = cell
        table.note = _("%(reached)s of %(total)s reached by at least %(k)s people on one day.") % {
            "reached": reached,
            "total": len(table.rows),
            "k": threshold(),
        }
        table.chart = charts.both(
            charts.bar_chart,
            f"chart-{kind}",
            title,
            [r[0] for r in table.rows][:20],
            [r[1] for r in table.rows][:20],
        )
        tables.append(table)
    return tables


HEALTH = ["growing", "steady", "declining", "quiet", "dormant", "archived"]


def health_labels() -> dict[str, str]:
    return {
        "growing": _("Growing"),
        "steady": _("Steady"),
        "declining": _("Declining"),
        "quiet": _("Quiet"),
        "dormant": pgettext("community health", "Dormant"),
        "archived": pgettext("community health", "Archived"),
    }


def community_health(state: str, recent: int, before: int) -> str:
    """A community's health: the dormancy job's state first, then its posts and comments
    of the last 30 days against the 30 days before (±20 %)."""
    if state == Community.State.ARCHIVED:
        return "archived"
    if state == Community.State.DORMANT:
        return "dormant"
    if not recent and not before:
        return "quiet"
    if recent > before * (1 + HEALTH_CHANGE):
        return "growing"
    if recent < before * (1 - HEALTH_CHANGE):
        return "declining"
    return "steady"


def _health_table(end: date) -> Table:
    recent_start = end - timedelta(days=HEALTH_WINDOW_DAYS - 1)
    before_start = recent_start - timedelta(days=HEALTH_WINDOW_DAYS)
    sums = {
        row["community_id"]: row
        for row in CommunityDay.objects.filter(day__gte=before_start, day__lte=end)
        .values("community_id")
        .annotate(
            recent=Sum("posts", filter=Q(day__gte=recent_start))
            + Sum("comments", filter=Q(day__gte=recent_start)),
            before=Sum("posts", filter=Q(day__lt=recent_start))
            + Sum("comments", filter=Q(day__lt=recent_start)),
        )
    }
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for pk, state, purpose in Community.objects.values_list("pk", "state", "purpose"):
        row = sums.get(pk, {})
        health = community_health(state, row.get("recent") or 0, row.get("before") or 0)
        counts[(health, purpose)] += 1
    labels = health_labels()
    purposes = list(Community.Purpose)
    title = _("Communities by health")
    table = Table(
        "health",
        title,
        [_("Health"), *[str(p.label) for p in purposes], _("All")],
        note=_(
            "Growing or declining: at least 20 % more or fewer posts and comments in the "
            "last 30 days of the period than in the 30 days before; quiet: none in either; "
            "dormant and archived: as set by the inactivity job."
        ),
    )
    for health in HEALTH:
        cells = [plain(counts[(health, p.value)]) for p in purposes]
        table.rows.append(
            [labels[health], *cells, plain(sum(counts[(health, p.value)] for p in purposes))]
        )
    table.chart = charts.both(
        charts.grid,
        "chart-health",
        title,
        [r[0] for r in table.rows],
        table.columns[1:],
        [r[1:] for r in table.rows],
    )
    return table


def _charter_table() -> Table:
    employees = User.objects.filter(is_active=True, kind=User.Kind.EMPLOYEE).count()
    accepted = dict(
        CharterAcceptance.objects.filter(user__is_active=True)
        .values("version_id")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("version_id", "n")
    )
    table = Table(
        "charter",
        _("Charter acceptance per version"),
        [_("Version"), _("Published on"), _("People who accepted it"), _("Share of employees")],
        note=_("People with an active account who accepted each version."),
    )
    for version in CharterVersion.objects.filter(published_at__isnull=False).order_by("-number"):
        n = accepted.get(version.pk, 0)
        table.rows.append(
            [
                str(version.number),
                date_format(timezone.localtime(version.published_at), "SHORT_DATE_FORMAT"),
                people(n),
                share(n, employees, n),
            ]
        )
    return table


def _questions_row(label: str, group: list[dict]) -> list:
    askers = _peak(group, "askers")
    asked = _total(group, "questions")
    answered = _total(group, "questions_answered")
    return [
        label,
        from_people(asked, askers),
        from_people(answered, askers),
        from_people(_total(group, "questions_resolved"), askers),
        share(answered, asked, askers),
    ]


def _questions_table(period: Period, days: list[dict]) -> Table:
    """Questions asked in each bucket, and how many of those very questions were
    answered and resolved by the night after they were asked (README)."""
    bounds = buckets(period)
    title = _("Questions asked, answered and resolved")
    table = Table(
        "questions",
        title,
        [
            _bucket_heading(period),
            _("Questions asked"),
            _("Questions answered"),
            _("Questions resolved"),
            _("Answer rate"),
        ],
        note=_(
            "Answered: a published comment, resolved: an answer accepted, by the night after"
            " the question was asked. Shown when at least %(k)s people asked on one day."
        )
        % {"k": threshold()},
    )
    groups = _by_bucket(days, bounds)
    rows = [_questions_row(b.label, g) for b, g in zip(bounds, groups, strict=True)]
    # The whole period is shown beside its buckets: the hidden buckets' sum could be
    # worked out by subtraction. Unless it is nothing, one bucket shown (from at least
    # k people) is hidden with them, the smallest.
    hidden = [i for i, row in enumerate(rows) if row[1].hidden]
    shown = [i for i, row in enumerate(rows) if not row[1].hidden]
    if shown and sum(_total(groups[i], "questions") for i in hidden):
        smallest = min(shown, key=lambda i: (rows[i][1].value, i))
        rows[smallest] = [
            rows[smallest][0],
            *(Cell(c.value, hidden=True) for c in rows[smallest][1:]),
        ]
    table.rows = rows
    table.chart = charts.both(
        charts.line_chart,
        "chart-questions",
        title,
        [r[0] for r in table.rows],
        [(table.columns[i], [r[i] for r in table.rows]) for i in (1, 2, 3)],
    )
    table.rows.append(_questions_row(_("Whole period"), days))
    return table


def _moderation_table(period: Period, days: list[dict]) -> Table:
    bounds = buckets(period)
    start, end = day_bounds(period.start)[0], day_bounds(period.end)[1]
    delays: dict[int, list[float]] = defaultdict(list)
    index_of = {}
    for i, bucket in enumerate(bounds):
        day = bucket.start
        while day <= bucket.end:
            index_of[day] = i
            day += timedelta(days=1)
    for opened, decided in Case.objects.filter(
        decided_at__gte=start, decided_at__lt=end
    ).values_list("opened_at", "decided_at"):
        found = index_of.get(timezone.localdate(decided)) if decided else None
        if decided is not None and found is not None:
            delays[found].append((decided - opened).total_seconds() / 3600)
    title = _("Moderation: reports and time to decision")
    table = Table(
        "moderation",
        title,
        [
            _bucket_heading(period),
            _("Reports"),
            _("Cases decided"),
            _("Median time to decision (hours)"),
        ],
        note=_("A delay is shown from %(k)s decided cases on.") % {"k": threshold()},
    )
    for i, (bucket, group) in enumerate(zip(bounds, _by_bucket(days, bounds), strict=True)):
        values = sorted(delays.get(i, []))
        median = round(_median(values), 1) if values else None
        table.rows.append(
            [
                bucket.label,
                from_people(_total(group, "reports"), _peak(group, "reporters")),
                from_people(len(values), len(values)),
                from_people(median, len(values)),
            ]
        )
    table.chart = charts.both(
        charts.bar_chart,
        "chart-moderation",
        title,
        [r[0] for r in table.rows],
        [r[1] for r in table.rows],
    )
    return table


def _median(values: list[float]) -> float:
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _externals_table(period: Period, days: list[dict]) -> Table:
    bounds = buckets(period)
    table = Table(
        "externals",
        _("External members"),
        [_bucket_heading(period), _("External members"), _("Employees")],
    )
    for bucket, group in zip(bounds, _by_bucket(days, bounds), strict=True):
        last = group[-1] if group else None
        table.rows.append(
            [
                bucket.label,
                people(last["externals"]) if last else Cell(None),
                people(last["workforce"]) if last else Cell(None),
            ]
        )
    return table


def externals_now() -> dict:
    """Externals today, and the re-confirmations due in the next 30 days (or overdue)."""
    now = timezone.now()
    externals = User.objects.filter(is_active=True, kind=User.Kind.EXTERNAL)
    horizon = now + timedelta(days=30) - timedelta(days=settings.EXTERNAL_RECONFIRM_DAYS)
    due = Q(reconfirmed_at__lte=horizon) | Q(reconfirmed_at__isnull=True, date_joined__lte=horizon)
    counts = externals.aggregate(all=Count("pk"), due=Count("pk", filter=due))
    return {"externals": people(counts["all"]), "due": people(counts["due"])}


# --- One community ---------------------------------------------------------------------------


COMMUNITY_COLUMNS = [
    "day",
    "members",
    "new_members",
    "readers",
    "contributors",
    "active",
    "posts",
    "comments",
    "likes",
    "first_comments",
    "first_comment_minutes",
    "requests_decided",
    "request_delay_hours",
    "questions",
    "questions_answered",
    "questions_resolved",
    "askers",
    "hours",
]


def community_dashboard(community: Community, period: Period) -> dict:
    days = list(
        CommunityDay.objects.filter(
            community=community, day__gte=period.start, day__lte=period.end
        ).values(*COMMUNITY_COLUMNS)
    )
    before = period.previous()
    previous = CommunityDay.objects.filter(
        community=community, day__gte=before.start, day__lte=before.end
    ).aggregate(posts=Sum("posts"), comments=Sum("comments"), contributors=Max("contributors"))
    waiting = Membership.objects.filter(
        community=community, status=Membership.Status.REQUESTED
    ).count()
    contributors = _peak(days, "contributors")
    return {
        "tables": [
            _members_table(period, days),
            _activity_table("activity", period, days, _("Posts, comments and likes")),
            _tags_table(community, period),
            _questions_table(period, days),
            _hours_table(days),
            _requests_table(period, days),
        ],
        "contributions": from_people(
            _total(days, "posts") + _total(days, "comments"), contributors
        ),
        "previous_contributions": from_people(
            (previous["posts"] or 0) + (previous["comments"] or 0), previous["contributors"] or 0
        ),
        "waiting": people(waiting),
        "rolled_days": len(days),
    }


def _members_table(period: Period, days: list[dict]) -> Table:
    bounds = buckets(period)
    title = _("Members over time")
    table = Table(
        "members",
        title,
        [
            _bucket_heading(period),
            _("Members"),
            _("New members"),
            _("Readers (highest day)"),
            _("Active people (highest day)"),
        ],
    )
    for bucket, group in zip(bounds, _by_bucket(days, bounds), strict=True):
        last = group[-1] if group else None
        new = _total(group, "new_members")
        table.rows.append(
            [
                bucket.label,
                people(last["members"]) if last else Cell(None),
                people(new),
                people(_peak(group, "readers")),
                people(_peak(group, "active")),
            ]
        )
    table.chart = charts.both(
        charts.line_chart,
        "chart-members",
        title,
        [r[0] for r in table.rows],
        [(table.columns[i], [r[i] for r in table.rows]) for i in (1, 4)],
    )
    return table


def _tags_table(community: Community, period: Period) -> Table:
    # Stored by the nightly run for the preset periods; counted live otherwise.
    rows = toptags.stored(community, period)
    if rows is None:
        rows = toptags.live(community, period)
    title = _("Top tags")
    table = Table(
        "tags",
        title,
        [_("Tag"), _("Posts"), _("Authors")],
        note=_("Only tags used by at least %(k)s people are listed.") % {"k": threshold()},
    )
    for name, posts, authors in rows:
        table.rows.append([name, plain(posts), people(authors)])
    table.chart = charts.both(
        charts.bar_chart,
        "chart-tags",
        title,
        [r[0] for r in table.rows],
        [r[1] for r in table.rows],
    )
    return table


def _hours_table(days: list[dict]) -> Table:
    totals = [0] * 24
    for row in days:
        for hour, n in enumerate(row["hours"] or []):
            totals[hour] += n
    contributors = _peak(days, "contributors")
    title = _("Busiest hours (posts and comments)")
    table = Table("hours", title, [_("Hour"), _("Posts and comments")])
    for hour in range(24):
        table.rows.append([f"{hour:02d}:00", from_people(totals[hour], contributors)])
    table.chart = charts.both(
        charts.bar_chart,
        "chart-hours",
        title,
        [r[0] for r in table.rows],
        [r[1] for r in table.rows],
    )
    return table


def _requests_table(period: Period, days: list[dict]) -> Table:
    bounds = buckets(period)
    table = Table(
        "requests",
        _("Requests to join"),
        [_bucket_heading(period), _("Requests decided"), _("Median delay (hours)")],
        note=_("The median of the days' medians; shown from %(k)s requests on.")
        % {"k": threshold()},
    )
    for bucket, group in zip(bounds, _by_bucket(days, bounds), strict=True):
        decided = _total(group, "requests_decided")
        medians = sorted(
            r["request_delay_hours"] for r in group if r["request_delay_hours"] is not None
        )
        table.rows.append(
            [
                bucket.label,
                people(decided),
                from_people(round(_median(medians), 1) if medians else None, decided),
            ]
        )
    return table
