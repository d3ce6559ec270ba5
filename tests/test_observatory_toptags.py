"""The community dashboard's top tags, stored by the nightly run for the preset periods
(observatory/toptags.py): equal to the live count on the same data (the threshold and
the tie on the name included), read only when they match the period, stored once per
run for its most recent day, replaced rather than added to, and read in a fixed number
of queries whatever the number of tags."""

import csv
import io
from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from communities.models import Membership
from observatory import rollup, toptags
from observatory.forms import PRESETS, Period
from observatory.models import CommunityTopTag, RollupDay
from observatory.tasks import rollup_pending

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .observatory_factories import local
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 10)
LAST = TODAY - timedelta(days=1)  # the last day of the preset periods
NIGHT = local(TODAY, 2)
FILLERS = [f"t{n:02d}" for n in range(1, 10)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _posts(community, authors, tags, day: date, times: int = 1) -> None:
    for _ in range(times):
        for author in authors:
            PostFactory(community=community, author=author, tags=tags, created_at=local(day, 11))


@pytest.fixture
def scene():
    """Two communities, tags over three years, and the figures expected of each period."""
    with time_machine.travel(local(TODAY - timedelta(days=800), 9), tick=False):
        lean, other = CommunityFactory(name="Lean"), CommunityFactory(name="Other")
        people = [UserFactory() for _ in range(7)]
    five = people[:5]
    recent = LAST - timedelta(days=3)
    # Eleven tags on 5 posts of 5 people; kaizen and lean on one more (a tie on 6 posts,
    # broken by the name); "secret" on 8 posts of only 4 people (under the threshold).
    _posts(lean, five, ["kaizen", "lean", *FILLERS], recent)
    _posts(lean, [people[5]], ["lean", "kaizen"], recent)
    _posts(lean, people[:4], ["secret"], recent, times=2)
    _posts(lean, five, ["agile"], LAST - timedelta(days=60))  # quarter and year
    _posts(lean, five, ["agile"], LAST - timedelta(days=61))
    _posts(lean, five, ["archive"], LAST - timedelta(days=200), times=2)  # year only
    _posts(lean, five, ["ancient"], LAST - timedelta(days=400), times=3)  # none
    _posts(lean, five, ["today"], TODAY, times=3)  # after the periods
    _posts(lean, people[:5], ["kaizen"], LAST - timedelta(days=29))  # first day of 30d
    _posts(other, people[2:7], ["kaizen"], LAST)
    _posts(None, five, ["profile"], recent)  # posts on profiles: no community
    month = [("kaizen", 11, 6), ("lean", 6, 6), *[(t, 5, 5) for t in FILLERS[:8]]]
    quarter = [("kaizen", 11, 6), ("agile", 10, 5), ("lean", 6, 6)]
    quarter += [(t, 5, 5) for t in FILLERS[:7]]
    year = [("kaizen", 11, 6), ("agile", 10, 5), ("archive", 10, 5), ("lean", 6, 6)]
    year += [(t, 5, 5) for t in FILLERS[:6]]
    return {
        "lean": lean,
        "other": other,
        "people": people,
        "expected": {
            lean.pk: {"30d": month, "quarter": quarter, "year": year},
            other.pk: {key: [("kaizen", 5, 5)] for key in PRESETS},
        },
    }


def _night(days=(LAST,)):
    with time_machine.travel(NIGHT, tick=False):
        rollup.rollup_range(list(days))


def _csv(client, community, query: str) -> list[list[str]]:
    response = client.get(f"/observatory/communities/{community.slug}/export/tags.csv?{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))[1:]


def _queries(client, url: str) -> list[dict]:
    reset_queries()  # the log is a bounded deque: a full one captures nothing
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert queries.captured_queries
    return queries.captured_queries


def _reads_tag_links(client, url: str) -> bool:
    return any("posts_taggedpost" in q["sql"] for q in _queries(client, url))


def _manager(client, community):
    manager = MembershipFactory(community=community, role=Membership.Role.MANAGER).user
    client.force_login(manager)


def test_the_presets_are_the_stored_periods():
    assert set(PRESETS) == set(CommunityTopTag.Period.values)


def test_stored_top_tags_equal_the_live_count(scene):
    _night()
    assert RollupDay.objects.get(day=LAST).top_tags_threshold == 5
    for community in (scene["lean"], scene["other"]):
        for key in PRESETS:
            period = toptags.preset(key, LAST)
            stored = toptags.stored(community, period)
            assert stored == toptags.live(community, period), (community, key)
            assert stored == scene["expected"][community.pk][key], (community, key)
    # Only communities, and tags of at least 5 people: no "secret", no profile tag.
    names = set(CommunityTopTag.objects.values_list("tag", flat=True))
    assert names == {"kaizen", "lean", "agile", "archive", *FILLERS[:8]}
    assert set(CommunityTopTag.objects.values_list("community_id", flat=True)) == {
        scene["lean"].pk,
        scene["other"].pk,
    }


def test_the_dashboard_reads_the_stored_rows_of_a_preset(client, scene):
    _night()
    _manager(client, scene["lean"])
    with time_machine.travel(local(TODAY, 10), tick=False):
        for key in PRESETS:
            rows = _csv(client, scene["lean"], f"period={key}")
            expected = scene["expected"][scene["lean"].pk][key]
            assert rows == [[name, str(p), str(a)] for name, p, a in expected]
            url = f"/observatory/communities/{scene['lean'].slug}/?period={key}"
            assert not _reads_tag_links(client, url)


def test_a_custom_period_is_counted_live(client, scene):
    _night()
    _manager(client, scene["lean"])
    start = LAST - timedelta(days=29)
    same_as_30d = f"period=custom&start={start}&end={LAST}"
    with time_machine.travel(local(TODAY, 10), tick=False):
        assert toptags.stored(scene["lean"], Period("custom", start, LAST)) is None
        base = f"/observatory/communities/{scene['lean'].slug}/"
        assert _reads_tag_links(client, f"{base}?{same_as_30d}")
        rows = _csv(client, scene["lean"], same_as_30d)
        month = scene["expected"][scene["lean"].pk]["30d"]
        assert rows == [[name, str(p), str(a)] for name, p, a in month]
        # A shorter one: the day of the recent posts only.
        day = LAST - timedelta(days=3)
        rows = _csv(client, scene["lean"], f"period=custom&start={day}&end={day}")
        assert rows[:2] == [["kaizen", "6", "6"], ["lean", "6", "6"]]


def test_a_preset_whose_last_day_is_not_stored_is_counted_live(client, scene):
    _manager(client, scene["lean"])
    url = f"/observatory/communities/{scene['lean'].slug}/?period=year"
    expected = [[n, str(p), str(a)] for n, p, a in scene["expected"][scene["lean"].pk]["year"]]
    with time_machine.travel(local(TODAY, 10), tick=False):
        # Nothing rolled up yet: the page is right all the same.
        assert _reads_tag_links(client, url)
        assert _csv(client, scene["lean"], "period=year") == expected
    _night(days=[LAST - timedelta(days=1)])  # the night before: another last day
    assert RollupDay.objects.get(day=LAST - timedelta(days=1)).top_tags_threshold == 5
    with time_machine.travel(local(TODAY, 10), tick=False):
        assert toptags.stored(scene["lean"], toptags.preset("year", LAST)) is None
        assert _reads_tag_links(client, url)
        assert _csv(client, scene["lean"], "period=year") == expected


def test_rows_stored_with_another_threshold_are_not_read(client, scene, settings):
    _night()
    settings.OBSERVATORY_MIN_PEOPLE = 4
    period = toptags.preset("30d", LAST)
    assert toptags.stored(scene["lean"], period) is None
    assert ("secret", 8, 4) in toptags.live(scene["lean"], period)


def test_a_run_stores_the_top_tags_of_its_last_day_only(scene, monkeypatch):
    calls = []
    store = toptags.store
    monkeypatch.setattr(toptags, "store", lambda day: calls.append(day) or store(day))
    days = [LAST - timedelta(days=n) for n in range(30)]
    with time_machine.travel(NIGHT, tick=False):
        call_command("observatory_rollup", since=str(days[-1]), until=str(LAST), stdout=StringIO())
    assert calls == [LAST]
    assert set(CommunityTopTag.objects.values_list("last_day", flat=True)) == {LAST}
    assert list(RollupDay.objects.filter(top_tags_threshold__isnull=False)) == [
        RollupDay.objects.get(day=LAST)
    ]
    stored = CommunityTopTag.objects.count()
    # A backfill of older days, once a later day is rolled up, stores nothing.
    with time_machine.travel(NIGHT, tick=False):
        call_command(
            "observatory_rollup",
            since=str(LAST - timedelta(days=40)),
            until=str(LAST - timedelta(days=31)),
            stdout=StringIO(),
        )
        call_command("observatory_rollup", "--dry-run", stdout=StringIO())
    assert calls == [LAST]
    assert CommunityTopTag.objects.count() == stored
    assert RollupDay.objects.get(day=LAST).top_tags_threshold == 5


def test_the_nightly_task_stores_the_top_tags_of_yesterday(scene):
    with time_machine.travel(NIGHT, tick=False):
        assert rollup_pending() == [LAST.isoformat()]
    period = toptags.preset("quarter", LAST)
    assert toptags.stored(scene["lean"], period) == scene["expected"][scene["lean"].pk]["quarter"]


def _table() -> list[tuple]:
    return sorted(
        CommunityTopTag.objects.values_list(
            "community_id", "period", "last_day", "rank", "tag", "posts", "authors"
        )
    )


def test_running_again_replaces_the_rows(scene):
    _night()
    first = _table()
    _night()
    assert _table() == first
    # New posts: the same day stored again gives the new figures, not more rows.
    _posts(scene["lean"], scene["people"][:5], ["lean"], LAST)
    _night()
    month = dict(
        CommunityTopTag.objects.filter(community=scene["lean"], period="30d").values_list(
            "tag", "posts"
        )
    )
    assert month["lean"] == 11 and len(month) == 10
    assert len(_table()) == len(first)
    # The next night: the rows of the new last day replace those of the day before.
    with time_machine.travel(local(TODAY + timedelta(days=1), 2), tick=False):
        rollup.rollup_range([TODAY])
    assert {row[2] for row in _table()} == {TODAY}
    assert RollupDay.objects.get(day=LAST).top_tags_threshold is None
    assert RollupDay.objects.get(day=TODAY).top_tags_threshold == 5
    year = toptags.preset("year", TODAY)
    assert toptags.stored(scene["lean"], year) == toptags.live(scene["lean"], year)
    assert ("today", 15, 5) in toptags.stored(scene["lean"], year)


def test_the_dashboard_queries_do_not_grow_with_the_tags(client, scene, django_assert_num_queries):
    _night()
    _manager(client, scene["lean"])
    url = f"/observatory/communities/{scene['lean'].slug}/?period=year"
    with time_machine.travel(local(TODAY, 10), tick=False):
        client.get(url)
        small = _queries(client, url)
    assert len(small) <= 20
    # Many more tags, in more communities; stored again.
    for n in range(15):
        _posts(scene["lean"], scene["people"][:5], [f"more{n:02d}", "kaizen"], LAST, times=2)
        _posts(CommunityFactory(), scene["people"][:5], [f"more{n:02d}"], LAST)
    _night()
    assert CommunityTopTag.objects.filter(community=scene["lean"], period="year").count() == 10
    with time_machine.travel(local(TODAY, 10), tick=False):
        client.get(url)
        reset_queries()
        with django_assert_num_queries(len(small)):
            assert client.get(url).status_code == 200
    page = client.get(url).content.decode()
    assert "more00" in page


def test_the_admin_lists_the_top_tags_read_only(client, scene):
    _night()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/observatory/communitytoptag/")
    assert response.status_code == 200
    assert "kaizen" in response.content.decode()
    assert client.get("/admin/observatory/communitytoptag/add/").status_code == 403
    row = CommunityTopTag.objects.filter(community=scene["lean"]).first()
    detail = client.get(f"/admin/observatory/communitytoptag/{row.pk}/change/")
    assert detail.status_code == 200 and "kaizen" in detail.content.decode()
    assert client.post(f"/admin/observatory/communitytoptag/{row.pk}/delete/").status_code == 403
