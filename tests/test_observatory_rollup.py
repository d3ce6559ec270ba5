"""The nightly rollup: equal to a direct SQL computation, idempotent, resumable; the
readings it counts are tokens that change every day and are gone once counted."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import CommandError, call_command

from communities.models import Membership
from observatory import rollup
from observatory.models import (
    CommunityDay,
    NetworkDay,
    NetworkPeriod,
    Presence,
    Reading,
    RollupDay,
    SegmentDay,
)
from observatory.services import reading_record, token
from observatory.tasks import rollup_pending

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .observatory_factories import (
    MONTH_DAYS,
    MONTH_START,
    BatchStop,
    generate_month,
    local,
    sql_day,
    sql_network_day,
    stop_after,
)
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db

AFTER_MONTH = local(date(2026, 11, 10), 12)
COMPARED = [
    "posts",
    "comments",
    "likes",
    "contributors",
    "new_members",
    "members",
    "reports",
    "cases_decided",
    "questions",
    "questions_answered",
    "questions_resolved",
    "askers",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def snapshot(day: date | None = None) -> dict:
    """Every aggregate row (of `day`, or all), without ids (which a rewrite may change)."""
    if day is not None:
        return {
            key: [row for row in rows if row[0] == str(day) or row[0] == day]
            for key, rows in snapshot().items()
            if key != "periods"
        }
    return {
        "communities": sorted(
            tuple(str(v) for v in r)
            for r in CommunityDay.objects.values_list(
                "day", "community_id", *rollup._empty_community().keys()
            )
        ),
        "segments": sorted(
            SegmentDay.objects.values_list(
                "day",
                "kind",
                "name",
                "readers",
                "contributors",
                "active",
                "posts",
                "comments",
                "likes",
            )
        ),
        "network": sorted(
            tuple(str(v) for v in r)
            for r in NetworkDay.objects.values_list(
                "day",
                "workforce",
                "externals",
                "readers",
                "contributors",
                "active",
                "posts",
                "comments",
                "likes",
                "reports",
                "reporters",
                "cases_decided",
                "decision_hours",
            )
        ),
        "periods": sorted(
            NetworkPeriod.objects.values_list(
                "kind", "period", "complete", "active", "creators", "reactors", "readers_only"
            )
        ),
    }


def _month():
    return [MONTH_START + timedelta(days=n) for n in range(MONTH_DAYS)]


def test_a_generated_month_rolled_up_equals_a_direct_sql_computation():
    with time_machine.travel(local(date(2026, 9, 1), 9), tick=False):
        data = generate_month()
    with time_machine.travel(AFTER_MONTH, tick=False):
        call_command(
            "observatory_rollup", since="2026-10-01", until="2026-10-31", stdout=StringIO()
        )
    ids = [c.pk for c in data["communities"]]
    rows = {
        (r["day"], r["community_id"]): r
        for r in CommunityDay.objects.filter(community_id__in=ids).values()
    }
    assert len(rows) == MONTH_DAYS * len(ids)
    nonzero = 0
    for day in _month():
        expected = sql_day(day)
        for pk in ids:
            row = rows[(day, pk)]
            for column in COMPARED:
                assert row[column] == expected.get(pk, {}).get(column, 0), (day, pk, column)
                nonzero += row[column]
        network = NetworkDay.objects.get(day=day)
        for column, value in sql_network_day(day).items():
            assert getattr(network, column) == value, (day, column)
    assert nonzero > 500  # the month is not empty
    asked = CommunityDay.objects.filter(community_id__in=ids).values_list(
        "questions", "questions_answered", "questions_resolved"
    )
    assert all(sum(column) > 0 for column in zip(*asked, strict=True))  # questions too
    assert RollupDay.objects.filter(finished_at__isnull=False).count() == MONTH_DAYS


def test_running_twice_changes_nothing():
    with time_machine.travel(local(date(2026, 9, 1), 9), tick=False):
        generate_month(seed=3)
    with time_machine.travel(AFTER_MONTH, tick=False):
        call_command(
            "observatory_rollup", since="2026-10-01", until="2026-10-31", stdout=StringIO()
        )
        first = snapshot()
        call_command(
            "observatory_rollup", since="2026-10-01", until="2026-10-31", stdout=StringIO()
        )
        assert snapshot() == first
        # The nightly run finds nothing left of October to do.
        assert all(day > date(2026, 10, 31) for day in rollup.pending_days(date(2026, 11, 10)))


def test_a_killed_run_resumes_after_its_last_batch(settings):
    with time_machine.travel(local(date(2026, 9, 1), 9), tick=False):
        generate_month(seed=5, communities=7)
    day = date(2026, 10, 12)
    with time_machine.travel(AFTER_MONTH, tick=False):
        rollup.rollup_day(day)
        clean = snapshot(day)
        CommunityDay.objects.all().delete()
        NetworkDay.objects.all().delete()
        SegmentDay.objects.all().delete()
        RollupDay.objects.all().delete()

        settings.RSE_JOB_BATCH_SIZE = 2
        settings.RSE_JOB_BATCH_HOOK = "tests.observatory_factories.stop_hook"
        stop_after.update(batches=2, seen=0)
        with pytest.raises(BatchStop):
            rollup.rollup_day(day)
        state = RollupDay.objects.get(day=day)
        assert state.finished_at is None
        written = CommunityDay.objects.filter(day=day).count()
        assert written == 4  # two whole batches, the third rolled back
        assert (
            state.cursor == CommunityDay.objects.filter(day=day).latest("community_id").community_id
        )
        assert not NetworkDay.objects.exists()

        settings.RSE_JOB_BATCH_HOOK = None
        out = StringIO()
        call_command("observatory_rollup", stdout=out)  # the nightly run picks it up
        assert f"{day}: " in out.getvalue() and "resumed after community" in out.getvalue()
        assert RollupDay.objects.get(day=day).finished_at is not None
        assert snapshot(day) == clean


@pytest.fixture
def community():
    with time_machine.travel(local(date(2026, 9, 1), 9), tick=False):
        return CommunityFactory()


def test_readings_are_daily_tokens_counted_then_deleted(community):
    readers = [UserFactory(department="Sales", site="Lyon") for _ in range(6)]
    writer = UserFactory(department="IT")
    day = date(2026, 10, 5)
    with time_machine.travel(local(day, 10), tick=False):
        for person in readers:
            reading_record(user=person, community_id=community.pk)
            reading_record(user=person, community_id=community.pk)  # once a day
        reading_record(user=readers[0], community_id=None)
        PostFactory(community=community, author=writer)
        stored = list(Reading.objects.values_list("token", flat=True))
        assert len(stored) == 7
        ids = {str(p.pk) for p in readers}
        assert not ids & set(stored)
        assert token(day.isoformat(), readers[0].pk) in stored
        # Another day, another token: readings of two days cannot be matched.
        assert token("2026-10-06", readers[0].pk) not in stored
    with time_machine.travel(local(day + timedelta(days=1), 3), tick=False):
        rollup_pending()
    row = CommunityDay.objects.get(day=day, community=community)
    assert (row.readers, row.contributors, row.active, row.posts) == (6, 1, 7, 1)
    assert NetworkDay.objects.get(day=day).readers == 6
    sales = SegmentDay.objects.get(day=day, kind="department", name="Sales")
    assert sales.readers == 6
    assert not Reading.objects.exists()
    # Running the day again once its readings are gone keeps the reader figures.
    with time_machine.travel(local(day + timedelta(days=2), 3), tick=False):
        call_command(
            "observatory_rollup", since=day.isoformat(), until=day.isoformat(), stdout=StringIO()
        )
    row = CommunityDay.objects.get(day=day, community=community)  # rewritten
    assert (row.readers, row.active, row.posts) == (6, 7, 1)


def test_weeks_and_months_count_distinct_people_by_level(community):
    poster, liker, reader = UserFactory(), UserFactory(), UserFactory()
    monday = date(2026, 10, 26)
    for offset in range(7):
        day = monday + timedelta(days=offset)
        with time_machine.travel(local(day, 11), tick=False):
            for person in (poster, liker, reader):
                reading_record(user=person, community_id=community.pk)
            post = PostFactory(community=community, author=poster)
            liker.likes.create(post=post)
        with time_machine.travel(local(day + timedelta(days=1), 2), tick=False):
            rollup_pending()
    week = NetworkPeriod.objects.get(kind="week", period="2026-W44")
    assert week.complete
    assert (week.active, week.creators, week.reactors, week.readers_only) == (3, 1, 1, 1)
    assert not Presence.objects.filter(period="2026-W44").exists()
    october = NetworkPeriod.objects.get(kind="month", period="2026-10")
    assert october.complete and october.active == 3
    november = NetworkPeriod.objects.get(kind="month", period="2026-11")
    assert not november.complete and november.active == 3
    assert Presence.objects.filter(period="2026-11").count() == 3


def test_the_dry_run_writes_nothing():
    MembershipFactory(community=CommunityFactory())
    with time_machine.travel(local(date(2026, 10, 5), 9), tick=False):
        out = StringIO()
        call_command("observatory_rollup", "--dry-run", stdout=out)
    assert "(dry run)" in out.getvalue()
    assert not RollupDay.objects.exists() and not CommunityDay.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        ({"since": "2026-13-01"}, "is not a date"),
        ({"since": "2026-10-05", "until": "2026-10-01"}, "must not be after"),
        ({"since": "2026-10-01", "until": "2026-10-05"}, "before today"),
    ],
)
def test_the_command_refuses_bad_dates(args, message):
    with (
        time_machine.travel(local(date(2026, 10, 5), 9), tick=False),
        pytest.raises(CommandError, match=message),
    ):
        call_command("observatory_rollup", stdout=StringIO(), **args)
    assert not RollupDay.objects.exists()


def test_requests_and_first_comments_are_measured(community):
    manager = UserFactory()
    day = date(2026, 10, 7)
    asked = local(day, 0, 30)
    for hours in (2, 4, 9):
        membership = MembershipFactory(community=community, status=Membership.Status.REQUESTED)
        Membership.objects.filter(pk=membership.pk).update(
            created_at=asked,
            status=Membership.Status.ACTIVE,
            decided_by=manager,
            decided_at=asked + timedelta(hours=hours),
        )
    post = PostFactory(community=community, created_at=local(day, 8))
    post.comments.create(author=manager, body="first", created_at=local(day, 8, 30))
    post.comments.create(author=manager, body="second", created_at=local(day, 9))
    with time_machine.travel(local(day + timedelta(days=1), 2), tick=False):
        rollup.rollup_day(day)
    row = CommunityDay.objects.get(day=day, community=community)
    assert (row.requests_decided, row.request_delay_hours) == (3, 4)
    assert (row.first_comments, row.first_comment_minutes) == (1, 30)
    assert row.hours[8] == 2 and row.hours[9] == 1


def test_a_day_rolled_up_after_its_week_was_counted_leaves_no_token(community):
    person = UserFactory()
    saturday, sunday = date(2026, 10, 31), date(2026, 11, 1)
    with time_machine.travel(local(saturday, 10), tick=False):
        PostFactory(community=community, author=person)
    with time_machine.travel(local(sunday + timedelta(days=1), 2), tick=False):
        rollup.rollup_day(sunday)  # the week and October are counted and emptied
        assert NetworkPeriod.objects.get(period="2026-W44").complete
        rollup.rollup_day(saturday)  # late
    assert not Presence.objects.filter(period__in=["2026-W44", "2026-10"]).exists()
    assert CommunityDay.objects.get(day=saturday, community=community).posts == 1


def test_readings_too_old_to_roll_up_are_deleted(settings, community):
    settings.OBSERVATORY_CATCH_UP_DAYS = 5
    person = UserFactory()
    with time_machine.travel(local(date(2026, 10, 1), 10), tick=False):
        reading_record(user=person, community_id=community.pk)
    with time_machine.travel(local(date(2026, 10, 20), 2), tick=False):
        out = StringIO()
        call_command("observatory_rollup", stdout=out)
    assert "1 readings too old to roll up, deleted." in out.getvalue()
    assert not Reading.objects.exists()
    assert not RollupDay.objects.filter(day=date(2026, 10, 1)).exists()
