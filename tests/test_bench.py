"""The benchmark's generated company looks exactly as the services would leave it."""

import pytest
from django.db import connection
from django.db.models import Count, F, Max, Q
from django.http import HttpResponse
from django.test import RequestFactory

from access.posts import posts_readable_by
from bench.generate import BENCH_PASSWORD, SIZES, generate
from bench.middleware import QueryStatsMiddleware
from communities.models import Community, Membership
from posts.models import Comment, Like, Post
from profiles.models import Follow, Profile, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return generate("tiny", seed=7, progress=lambda _: None)


def test_the_tiny_company_has_about_the_announced_size(company):
    size = SIZES["tiny"]
    assert company["people"] == size.people
    assert company["communities"] == size.communities
    for name in ("memberships", "posts", "comments", "likes", "post_tags", "person_follows"):
        assert getattr(size, name) * 0.75 <= company[name] <= getattr(size, name) * 1.25, name


def test_the_same_seed_gives_the_same_company(company):
    first = list(Post.objects.order_by("pk").values_list("community_id", "author_id", "body")[:50])
    Post.objects.all().delete()
    User.objects.all().delete()
    Community.objects.all().delete()
    generate("tiny", seed=7, progress=lambda _: None)
    again = list(Post.objects.order_by("pk").values_list("community_id", "author_id", "body")[:50])
    assert [row[2] for row in again] == [row[2] for row in first]


def test_stored_counters_match_the_rows(company):
    assert not Post.objects.annotate(
        n_likes=Count("likes", distinct=True), n_comments=Count("comments", distinct=True)
    ).exclude(likes_count=F("n_likes"), comments_count=F("n_comments"))
    assert not Comment.objects.annotate(n=Count("likes")).exclude(likes_count=F("n"))
    assert not Community.objects.annotate(
        n=Count("memberships", filter=Q(memberships__status="active"))
    ).exclude(members_count=F("n"))
    assert not Profile.objects.annotate(n=Count("user__follower_links")).exclude(
        followers_count=F("n")
    )
    assert Profile.objects.count() == User.objects.count()


def test_people_only_act_where_they_may_read(company):
    assert not Follow.objects.filter(follower=F("followed")).exists()
    for comment in Comment.objects.select_related("author", "post")[:200]:
        assert posts_readable_by(comment.author).filter(pk=comment.post_id).exists()
    for like in Like.objects.filter(post__isnull=False).select_related("user")[:200]:
        assert posts_readable_by(like.user).filter(pk=like.post_id).exists()
    assert not Membership.objects.filter(
        user__kind="external", community__access__in=["free", "open"]
    ).exists()


def test_open_moderation_cases_are_as_reports_leave_them(company):
    from charter.selectors import report_reasons
    from moderation.common import severity_of
    from moderation.models import Case, Report

    assert company["moderation_cases"] >= 5
    assert Case.objects.count() == company["moderation_cases"]
    assert Report.objects.count() == company["moderation_reports"]
    cases = Case.objects.annotate(
        n=Count("reports", distinct=True),
        distinct_reporters=Count("reports__reporter", distinct=True),
        top=Max("reports__severity"),
        events_n=Count("events", filter=Q(events__code="reported"), distinct=True),
    ).select_related("post")
    reasons = {section.pk: section for section in report_reasons()}
    for case in cases:
        assert case.status == Case.Status.OPEN and case.comment_id is None
        assert case.n == case.reporters_count == case.distinct_reporters == case.events_n
        assert case.top == case.severity
        assert case.reporters_count < 3 and not case.auto_hidden
        assert case.post.status == "published"
        assert (case.author_id, case.community_id) == (case.post.author_id, case.post.community_id)
    for report in Report.objects.select_related("case", "reporter"):
        assert report.post_id == report.case.post_id
        assert report.reporter_id != report.case.author_id
        assert report.reason_id in reasons
        assert report.severity == severity_of(reasons[report.reason_id])
        assert posts_readable_by(report.reporter).filter(pk=report.post_id).exists()
        assert report.created_at >= report.case.opened_at


def test_the_moderation_queue_lists_the_generated_cases(company, client):
    from django.contrib.auth.models import Group

    from moderation.models import Case

    moderator = User.objects.filter(kind="employee").first()
    moderator.groups.add(Group.objects.get_or_create(name="Site moderators")[0])
    client.force_login(moderator)
    response = client.get("/moderation/")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == Case.objects.exclude(author=moderator).count() > 0


def test_generated_people_sign_in_through_the_real_form(company, client):
    person = User.objects.filter(kind="employee").first()
    response = client.post("/accounts/login/", {"login": person.email, "password": BENCH_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_floors_are_not_served_outside_benchmark_mode(client, employee):
    client.force_login(employee)
    assert client.get("/bench/floor/empty/").status_code == 404


def test_query_stats_headers_count_the_queries():
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    response = QueryStatsMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Bench-Queries"] == "2"
    assert float(response["X-Bench-DB-ms"]) <= float(response["X-Bench-Total-ms"])


@pytest.mark.postgres
def test_the_generated_company_can_be_searched(company, client):
    """The bulk load skips triggers: the generator fills the search columns itself."""
    with connection.cursor() as cursor:
        for table in ("posts_post", "communities_community", "profiles_user"):
            cursor.execute(f"SELECT count(*) FROM {table} WHERE search_vector IS NULL")  # noqa: S608
            assert cursor.fetchone()[0] == 0, table
    person = User.objects.filter(kind="employee").first()
    client.force_login(person)
    response = client.get("/search/", {"q": "sécurité", "section": "posts"})
    assert response.status_code == 200
    assert "sécurité" in response.content.decode().lower()


def test_generated_externals_are_in_good_standing(company):
    from django.utils import timezone

    from lifecycle.services import reconfirm_deadline

    externals = list(User.objects.filter(kind="external"))
    assert externals
    assert all(reconfirm_deadline(person) > timezone.now() for person in externals)


def test_generated_questions_are_resolved_by_one_of_their_own_comments(company):
    from questions.models import Question

    assert company["questions"] == Question.objects.count() > 0
    resolved = Question.objects.filter(resolved_at__isnull=False).select_related("accepted_answer")
    assert resolved.exists()
    for question in resolved:
        assert question.accepted_answer.post_id == question.pk
        assert question.accepted_answer.parent_id is None


def test_the_questions_tab_of_the_largest_community_is_served(company, client):
    from communities.models import Membership

    largest = Community.objects.order_by("-members_count", "pk").first()
    member = (
        Membership.objects.filter(community=largest, status="active", user__kind="employee")
        .select_related("user")
        .first()
        .user
    )
    client.force_login(member)
    response = client.get(f"/communities/{largest.slug}/questions/")
    assert response.status_code == 200
    assert "who knows how?" in response.content.decode()
    assert "Resolved" in response.content.decode()


def test_the_soak_reports_and_joins_are_allowed_and_accounted(company, client):
    """The soak's cast gives each person posts they may report (one reporter a post,
    none the mix reads) and communities they may join or ask to join; the real forms
    accept them, and the accounting finds what was acknowledged and only that."""
    from django.utils import timezone

    from bench.soak_queries import account, cast

    since = timezone.now().isoformat()
    soak = cast(4)
    reported = [pk for pks in soak["reports"].values() for pk in pks]
    read = {pk for pks in soak["posts"].values() for pk in pks}
    assert reported and len(reported) == len(set(reported)) and not read & set(reported)
    assert soak["reasons"] and any(soak["joins"].values())
    person = next(p for p in soak["people"] if soak["joins"][str(p["id"])])
    client.force_login(User.objects.get(pk=person["id"]))
    post_id = soak["reports"][str(person["id"])][0]
    note = {"reason": soak["reasons"][0], "note": "soak-report-test"}
    assert client.post(f"/moderation/report/post/{post_id}/", note).status_code == 302
    slug, status = soak["joins"][str(person["id"])][0]
    action = "request" if status == Membership.Status.REQUESTED else "join"
    assert client.post(f"/communities/{slug}/{action}/").status_code == 302

    writes = {
        "report": ["soak-report-test", "soak-report-never-sent"],
        "join": [[person["id"], slug, status], [person["id"], slug, "banned"]],
    }
    result = account(writes, since)["writes"]
    assert result["report"] == {
        "acknowledged": 2,
        "found": 1,
        "lost": ["soak-report-never-sent"],
        "duplicated": [],
    }
    assert result["join"]["found"] == 1
    assert result["join"]["lost"] == [[person["id"], slug, "banned"]]


def test_a_timed_page_that_does_not_show_what_it_should_fails_the_run():
    from bench.runner import check_page

    card = b'<article class="card post" id="post-1" aria-labelledby="post-1-by">'
    assert check_page("home", 200, {}, card) == "ok"
    assert check_page("small community", 200, {}, b"<p>Ask to join</p>") == (
        "does not show post cards"
    )
    assert check_page("post with comments", 200, {}, card) == "does not show its comments"
    assert check_page("tag", 302, {"Location": "/accounts/login/"}, b"") == (
        "HTTP 302 to /accounts/login/"
    )
    assert check_page("search: Dupont", 200, {}, b'<li class="person-card">') == "ok"
    assert check_page("people by name", 200, {}, b"<p>Nobody.</p>") == (
        "does not show profile cards"
    )
