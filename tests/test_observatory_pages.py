"""The dashboards: who may open them (a matrix), the audit of each opening and export,
the "< 5" threshold in pages and CSV files, no person in any answer, the period
picker, and query counts that do not grow with the data."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache

from audit.models import AuditEntry
from communities.models import Community, Membership
from observatory import rollup
from observatory.admin import QUESTIONS
from observatory.forms import Period
from observatory.models import CommunityDay
from observatory.privacy import Cell, complement, people
from observatory.selectors import _questions_table

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
from .observatory_factories import local
from .posts_factories import CommentFactory, PostFactory
from .questions_factories import QuestionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 10)
DAY = date(2026, 11, 3)
NETWORK_TABLES = [
    "activity",
    "adoption",
    "departments",
    "sites",
    "health",
    "charter",
    "questions",
    "moderation",
    "externals",
]
COMMUNITY_TABLES = ["members", "activity", "questions", "tags", "hours", "requests"]


@pytest.fixture(autouse=True)
def _today():
    cache.clear()
    with time_machine.travel(local(TODAY, 10), tick=False):
        yield
    cache.clear()


def _observer():
    person = UserFactory()
    person.groups.add(Group.objects.get(name=settings.RSE_OBSERVERS_GROUP))
    return person


@pytest.fixture
def scene():
    visible = CommunityFactory(name="Lean network")
    hidden = CommunityFactory(
        name="Board", access=Community.Access.CLOSED, visibility=Community.Visibility.HIDDEN
    )
    manager = MembershipFactory(community=visible, role=Membership.Role.MANAGER).user
    external = ExternalFactory()
    closed = CommunityFactory(access=Community.Access.CLOSED)
    MembershipFactory(community=closed, user=external)
    admin = UserFactory(is_superuser=True, is_staff=True)
    external_observer = ExternalFactory()
    external_observer.groups.add(Group.objects.get(name=settings.RSE_OBSERVERS_GROUP))
    return {
        "communities": {"visible": visible, "hidden": hidden},
        "people": {
            "anonymous": None,
            "employee": UserFactory(),
            "external": external,
            "manager": manager,
            "observer": _observer(),
            "external observer": external_observer,
            "administrator": admin,
        },
    }


NETWORK = {
    "anonymous": 302,
    "employee": 403,
    "external": 403,
    "manager": 403,
    "observer": 200,
    "external observer": 403,
    "administrator": 200,
}
COMMUNITY = {
    ("anonymous", "visible"): 302,
    ("anonymous", "hidden"): 302,
    ("employee", "visible"): 403,
    ("employee", "hidden"): 404,
    ("external", "visible"): 404,
    ("external", "hidden"): 404,
    ("manager", "visible"): 200,
    ("manager", "hidden"): 404,
    ("observer", "visible"): 200,
    ("observer", "hidden"): 404,
    ("external observer", "visible"): 404,
    ("external observer", "hidden"): 404,
    ("administrator", "visible"): 200,
    ("administrator", "hidden"): 200,
}


def _login(client, person):
    if person is not None:
        client.force_login(person)


@pytest.mark.parametrize("who", list(NETWORK))
@pytest.mark.parametrize("export", [False, True])
def test_network_access_matrix(client, scene, who, export):
    person = scene["people"][who]
    _login(client, person)
    url = "/observatory/export/activity.csv" if export else "/observatory/"
    before = AuditEntry.objects.count()
    response = client.get(url)
    assert response.status_code == NETWORK[who]
    action = "observatory.exported" if export else "observatory.viewed"
    entries = AuditEntry.objects.filter(action=action)
    if response.status_code == 200:
        entry = entries.get()
        assert entry.actor == person
        assert entry.data["scope"] == "network" and entry.data["period"] == "30d"
        if export:
            assert entry.data["table"] == "activity"
            assert response["Content-Type"].startswith("text/csv")
    else:
        assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("who", "which"), list(COMMUNITY))
@pytest.mark.parametrize("export", [False, True])
def test_community_access_matrix(client, scene, who, which, export):
    community = scene["communities"][which]
    _login(client, scene["people"][who])
    base = f"/observatory/communities/{community.slug}/"
    response = client.get(base + "export/members.csv" if export else base)
    assert response.status_code == COMMUNITY[(who, which)]
    entries = AuditEntry.objects.filter(action__startswith="observatory.")
    if response.status_code == 200:
        entry = entries.get()
        assert entry.target_id == str(community.pk)
        assert entry.data["scope"] == "community"
    else:
        assert not entries.exists()


def test_the_observers_group_is_created_by_the_migration():
    assert Group.objects.filter(name=settings.RSE_OBSERVERS_GROUP).exists()


def test_the_observers_group_is_a_setting(client, settings):
    settings.RSE_OBSERVERS_GROUP = "Communications and HR"
    person = UserFactory()
    person.groups.add(Group.objects.create(name="Communications and HR"))
    client.force_login(person)
    assert client.get("/observatory/").status_code == 200
    former = UserFactory()
    former.groups.add(Group.objects.get(name="Observers"))
    client.force_login(former)  # the default group no longer counts
    assert client.get("/observatory/").status_code == 403


# --- k-anonymity ------------------------------------------------------------------------


def _authors(count: int, community, **person) -> list:
    with time_machine.travel(local(DAY, 9), tick=False):
        people = [UserFactory(**person) for _ in range(count)]
        for author in people:
            PostFactory(community=community, author=author, tags=["kaizen"])
            CommentFactory(post=PostFactory(community=community, author=author), author=author)
    with time_machine.travel(local(DAY + timedelta(days=1), 2), tick=False):
        rollup.rollup_day(DAY)
    return people


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


PERIOD = f"period=custom&start={DAY}&end={DAY}"


@pytest.mark.parametrize(("authors", "shown"), [(4, "< 5"), (5, None)])
def test_figures_from_fewer_than_five_people_are_hidden(client, authors, shown):
    with time_machine.travel(local(DAY - timedelta(days=30), 9), tick=False):
        community = CommunityFactory()
    manager = MembershipFactory(community=community, role=Membership.Role.MANAGER).user
    _authors(authors, community, department="Legal", site="Nantes")
    client.force_login(manager)
    rows = _csv(
        client.get(f"/observatory/communities/{community.slug}/export/activity.csv?{PERIOD}")
    )
    assert rows[0][1:4] == ["Posts", "Comments", "Likes"]
    posts, comments, likes, contributors = rows[1][1:5]
    if shown:
        assert [posts, comments, likes, contributors] == ["< 5"] * 4
    else:
        assert [posts, comments, contributors] == [str(2 * authors), str(authors), str(authors)]
    tags = _csv(client.get(f"/observatory/communities/{community.slug}/export/tags.csv?{PERIOD}"))
    assert (len(tags) == 1) if shown else (tags[1] == ["kaizen", "5", "5"])
    page = client.get(f"/observatory/communities/{community.slug}/?{PERIOD}").content.decode()
    assert ("&lt; 5" in page) if shown else ("10" in page)

    client.force_login(UserFactory(is_superuser=True))
    network = _csv(client.get(f"/observatory/export/activity.csv?{PERIOD}"))
    assert network[1][1] == (shown or str(2 * authors))
    departments = _csv(client.get(f"/observatory/export/departments.csv?{PERIOD}"))
    legal = next(row for row in departments if row[0] == "Legal")
    assert legal[2] == (shown or str(authors))  # contributors on the highest day
    assert legal[3] == (shown or str(3 * authors))  # posts, comments and likes


@pytest.mark.parametrize("askers", [4, 5])
def test_questions_from_fewer_than_five_askers_are_hidden(client, askers):
    with time_machine.travel(local(DAY - timedelta(days=30), 9), tick=False):
        community = CommunityFactory()
    manager = MembershipFactory(community=community, role=Membership.Role.MANAGER).user
    with time_machine.travel(local(DAY, 9), tick=False):
        helper = UserFactory()
        questions = [
            QuestionFactory(post=PostFactory(community=community, author=UserFactory()))
            for _ in range(askers)
        ]
        # Two answered, one of them resolved; a hidden comment is no answer.
        answers = [CommentFactory(post=q.post, author=helper) for q in questions[:2]]
        CommentFactory(post=questions[2].post, author=helper, status="hidden")
        questions[0].accepted_answer = answers[0]
        questions[0].resolved_at = answers[0].created_at
        questions[0].save()
    with time_machine.travel(local(DAY + timedelta(days=1), 2), tick=False):
        rollup.rollup_day(DAY)
    row = CommunityDay.objects.get(community=community, day=DAY)
    assert (row.questions, row.questions_answered, row.questions_resolved, row.askers) == (
        askers,
        2,
        1,
        askers,
    )
    rate = f"{100 * 2 / askers:.1f}"
    expected = ["< 5"] * 4 if askers < 5 else [str(askers), "2", "1", rate]
    client.force_login(manager)
    rows = _csv(
        client.get(f"/observatory/communities/{community.slug}/export/questions.csv?{PERIOD}")
    )
    assert rows[0][1:] == [
        "Questions asked",
        "Questions answered",
        "Questions resolved",
        "Answer rate",
    ]
    assert rows[1][1:] == expected  # the day
    assert rows[2] == ["Whole period", *expected]
    page = client.get(f"/observatory/communities/{community.slug}/?{PERIOD}").content.decode()
    assert "Questions asked, answered and resolved" in page
    assert (f"{rate} %" in page) == (askers >= 5)

    client.force_login(UserFactory(is_superuser=True))
    network = _csv(client.get(f"/observatory/export/questions.csv?{PERIOD}"))
    assert network[1][1:] == expected and network[2][1:] == expected
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    detail = client.get(f"/admin/observatory/communityday/{row.pk}/change/").content.decode()
    assert "questions answered" in detail.lower()
    assert [show(row) for show in QUESTIONS] == expected[:3]


def test_a_hidden_bucket_of_questions_is_not_left_alone_beside_the_period():
    def day(n: int, asked: int, askers: int) -> dict:
        return {
            "day": DAY + timedelta(days=n),
            "questions": asked,
            "questions_answered": asked,
            "questions_resolved": 0,
            "askers": askers,
        }

    period = Period("custom", DAY, DAY + timedelta(days=2))
    rows = _questions_table(period, [day(0, 3, 3), day(1, 9, 6), day(2, 12, 7)]).rows
    assert [r[1].hidden for r in rows] == [True, True, False, False]  # 9 hidden with 3
    assert rows[3][1].value == 24
    rows = _questions_table(period, [day(1, 9, 6), day(2, 12, 7)]).rows
    assert [r[1].hidden for r in rows] == [True, False, False, False]  # nothing to work out


def test_no_person_appears_in_any_page_or_export(client):
    with time_machine.travel(local(DAY - timedelta(days=30), 9), tick=False):
        community = CommunityFactory()
    people = _authors(6, community, first_name="Zéphyrine", last_name="Quatremains")
    admin = UserFactory(is_superuser=True, first_name="Adélaïde", last_name="Administratrice")
    client.force_login(admin)
    answers = [client.get(f"/observatory/?{PERIOD}").content.decode()]
    answers.append(
        client.get(f"/observatory/communities/{community.slug}/?{PERIOD}").content.decode()
    )
    for table in NETWORK_TABLES:
        answers.append(client.get(f"/observatory/export/{table}.csv?{PERIOD}").content.decode())
    for table in COMMUNITY_TABLES:
        url = f"/observatory/communities/{community.slug}/export/{table}.csv?{PERIOD}"
        answers.append(client.get(url).content.decode())
    exports = answers[2:]
    for person in people:
        for text in answers:
            assert person.last_name not in text and person.username not in text
            assert person.email not in text
    for text in exports:
        header = text.splitlines()[0].lower()
        assert "name" not in header and " id" not in header and "user" not in header


def test_an_unknown_table_is_404(client):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/observatory/export/people.csv").status_code == 404
    assert not AuditEntry.objects.filter(action="observatory.exported").exists()


# --- The period picker ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("", date(2026, 10, 11), date(2026, 11, 9)),
        ("period=30d", date(2026, 10, 11), date(2026, 11, 9)),
        ("period=quarter", date(2026, 8, 11), date(2026, 11, 9)),
        ("period=year", date(2025, 11, 10), date(2026, 11, 9)),
        ("period=custom&start=2026-01-01&end=2026-03-31", date(2026, 1, 1), date(2026, 3, 31)),
    ],
)
def test_periods(client, query, start, end):
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(f"/observatory/?{query}")
    assert response.status_code == 200
    period = response.context["period"]
    assert (period.start, period.end) == (start, end)
    entry = AuditEntry.objects.get(action="observatory.viewed")
    assert entry.data["start"] == start.isoformat() and entry.data["end"] == end.isoformat()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&start=2026-03-01", "Give both dates of a custom period."),
        ("period=custom&start=2026-03-01&end=2026-02-01", "must not be after"),
        ("period=custom&start=2026-03-01&end=2026-11-10", "choose a last date before today"),
        ("period=custom&start=2020-01-01&end=2026-01-01", "at most three years"),
        ("period=custom&start=someday&end=2026-01-01", "Enter a valid date."),
        ("period=decade", "Select a valid choice."),
    ],
)
def test_a_bad_period_says_why_and_changes_nothing(client, query, message):
    client.force_login(UserFactory(is_superuser=True))
    before = AuditEntry.objects.count()
    response = client.get(f"/observatory/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "tables" not in response.context
    export = client.get(f"/observatory/export/activity.csv?{query}")
    assert export.status_code == 400 and message in export.content.decode()
    assert AuditEntry.objects.count() == before


def test_the_french_dashboard_formats_numbers_and_dates(client):
    with time_machine.travel(local(DAY - timedelta(days=30), 9), tick=False):
        community = CommunityFactory()
    _authors(5, community)
    CommunityDay.objects.filter(community=community).update(members=12345)
    manager = MembershipFactory(community=community, role=Membership.Role.MANAGER).user
    client.force_login(manager)
    page = client.get(
        f"/observatory/communities/{community.slug}/?{PERIOD}", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Usage de" in page or "Utilisation de" in page
    assert re.search("12[\u00a0\u202f ]345", page)
    assert "03/11/2026" in page


# --- Queries ------------------------------------------------------------------------------


def _grow(communities: int, days: int) -> None:
    for _ in range(communities):
        with time_machine.travel(local(TODAY - timedelta(days=60), 9), tick=False):
            community = CommunityFactory()
        for n in range(days):
            with time_machine.travel(local(TODAY - timedelta(days=n + 1), 9), tick=False):
                PostFactory(community=community)
    for n in range(days):
        rollup.rollup_day(TODAY - timedelta(days=n + 1))


def test_the_network_dashboard_queries_do_not_grow(client, django_assert_max_num_queries):
    client.force_login(UserFactory(is_superuser=True))
    _grow(2, 2)
    client.get("/observatory/")  # fills Django's content-type cache
    # 23 until the navigation's figures stayed in the cache on a warm page (issue 26).
    with django_assert_max_num_queries(20) as small:
        assert client.get("/observatory/?period=year").status_code == 200
    expected = len(small.captured_queries)  # now: the query log is a bounded deque
    _grow(12, 8)
    client.get("/observatory/?period=year")  # the new data moved the cached figures on
    with django_assert_max_num_queries(expected):
        assert client.get("/observatory/?period=year").status_code == 200


def test_the_community_dashboard_queries_do_not_grow(client, django_assert_max_num_queries):
    with time_machine.travel(local(TODAY - timedelta(days=60), 9), tick=False):
        community = CommunityFactory()
    manager = MembershipFactory(community=community, role=Membership.Role.MANAGER).user
    client.force_login(manager)
    url = f"/observatory/communities/{community.slug}/?period=quarter"
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    for n in range(10):
        with time_machine.travel(local(TODAY - timedelta(days=n + 1), 9), tick=False):
            PostFactory(community=community, tags=[f"tag{n}", "common"])
            MembershipFactory(community=community)
        rollup.rollup_day(TODAY - timedelta(days=n + 1))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


# --- Django admin and the link from the community page ------------------------------------


def test_the_admin_lists_the_aggregates_read_only_and_through_the_threshold(client):
    with time_machine.travel(local(DAY - timedelta(days=30), 9), tick=False):
        community = CommunityFactory()
    _authors(4, community)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for model in ("communityday", "segmentday", "networkday", "networkperiod", "rollupday"):
        response = client.get(f"/admin/observatory/{model}/")
        assert response.status_code == 200, model
        assert client.get(f"/admin/observatory/{model}/add/").status_code == 403
    page = client.get("/admin/observatory/communityday/").content.decode()
    assert "&lt; 5" in page
    row = CommunityDay.objects.get(community=community, day=DAY)
    detail = client.get(f"/admin/observatory/communityday/{row.pk}/change/")
    assert detail.status_code == 200 and "&lt; 5" in detail.content.decode()
    assert client.post(f"/admin/observatory/communityday/{row.pk}/delete/").status_code == 403
    assert client.get("/admin/observatory/reading/").status_code == 404


def test_managers_find_the_dashboard_from_their_community_page(client):
    community = CommunityFactory()
    manager = MembershipFactory(community=community, role=Membership.Role.MANAGER).user
    member = MembershipFactory(community=community).user
    link = f'href="/observatory/communities/{community.slug}/"'
    client.force_login(manager)
    assert link in client.get(f"/communities/{community.slug}/").content.decode()
    client.force_login(member)
    assert link not in client.get(f"/communities/{community.slug}/").content.decode()


def test_a_figure_hidden_alone_cannot_be_worked_out_by_subtraction(client):
    shown, hidden = people(8), people(3)
    assert complement([shown, hidden, people(6)]) == [
        shown,
        Cell(3, hidden=True),
        Cell(6, hidden=True),
    ]
    assert complement([shown, people(12)]) == [shown, people(12)]
    with time_machine.travel(local(DAY - timedelta(days=30), 9), tick=False):
        community = CommunityFactory()
    _authors(5, community, department="Legal")
    _authors(4, community, department="Sales")
    _authors(6, community, department="IT")
    client.force_login(UserFactory(is_superuser=True))
    rows = {r[0]: r for r in _csv(client.get(f"/observatory/export/departments.csv?{PERIOD}"))}
    # Sales (4 people) is hidden; the network's total is shown: Legal, the smallest
    # figure beside it, is hidden too.
    assert rows["Sales"][3] == "< 5" and rows["Legal"][3] == "< 5"
    assert rows["IT"][3] == "18"
