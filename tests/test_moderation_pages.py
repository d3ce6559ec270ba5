"""Moderation pages: the permission matrix, reporting, the queue and its query count,
the author's page, appeals, measures, the navigation counter, admin, and the
notification template."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from moderation import appeals, services
from moderation.models import Appeal, Case, Report, Sanction
from notifications.models import Notification
from posts.models import Post

from .communities_factories import MembershipFactory
from .factories import ExternalFactory, UserFactory
from .moderation_factories import SanctionFactory, make_cast, reason, reported_post
from .posts_factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def _role(cast, name, site_moderator, admin_user):
    return {
        "reporter": cast.member,
        "author": cast.author,
        "member": UserFactory(),
        "moderator": cast.moderator,
        "other_moderator": cast.other_moderator,
        "manager": cast.manager,
        "site_moderator": site_moderator,
        "admin": admin_user,
    }[name]


HANDLERS = {"moderator", "manager", "site_moderator", "admin"}
ROLES = [
    "reporter",
    "author",
    "member",
    "moderator",
    "other_moderator",
    "manager",
    "site_moderator",
    "admin",
]


@pytest.mark.parametrize("role", ROLES)
def test_matrix_case_page_claim_decide_and_sanction(client, cast, role, site_moderator, admin_user):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    user = _role(cast, role, site_moderator, admin_user)
    if role == "member":
        MembershipFactory(community=cast.community, user=user)
    client.force_login(user)
    allowed = role in HANDLERS
    expected = 200 if allowed else 404

    assert client.get(f"/moderation/cases/{case.pk}/").status_code == expected
    response = client.post(f"/moderation/cases/{case.pk}/claim/", {"action": "claim"})
    assert response.status_code == (302 if allowed else 404)
    assert Case.objects.get(pk=case.pk).claimed_by_id == (user.pk if allowed else None)
    response = client.post(f"/moderation/cases/{case.pk}/sanction/", {"alone-sanction": "warning"})
    assert response.status_code == (302 if allowed else 404)
    assert Sanction.objects.filter(user=cast.author).count() == (1 if allowed else 0)
    response = client.post(
        f"/moderation/cases/{case.pk}/decide/",
        {"outcome": "hide", "reason": reason().pk, "message": "Hidden."},
    )
    assert response.status_code == (302 if allowed else 404)
    assert Post.objects.get(pk=post.pk).status == ("hidden" if allowed else "published")
    assert Case.objects.get(pk=case.pk).status == ("closed" if allowed else "open")


@pytest.mark.parametrize("role", ROLES)
def test_matrix_queue(client, cast, role, site_moderator, admin_user):
    reported_post(cast, body="A very reported post")
    user = _role(cast, role, site_moderator, admin_user)
    client.force_login(user)
    response = client.get("/moderation/")
    if role in HANDLERS:
        assert response.status_code == 200
        assert "A very reported post" in response.text
    elif role == "other_moderator":
        assert response.status_code == 200
        assert "A very reported post" not in response.text
    else:
        assert response.status_code == 404


def test_profile_posts_are_for_site_moderators_only(client, cast, site_moderator):
    post = PostFactory(community=None, author=cast.author)
    services.report_create(actor=cast.member, post=post, reason=reason())
    case = Case.objects.get(post=post)
    client.force_login(cast.manager)
    assert client.get(f"/moderation/cases/{case.pk}/").status_code == 404
    client.force_login(site_moderator)
    assert client.get(f"/moderation/cases/{case.pk}/").status_code == 200


def test_nobody_moderates_their_own_content(client, cast):
    post = PostFactory(community=cast.community, author=cast.manager)
    services.report_create(actor=cast.member, post=post, reason=reason())
    case = Case.objects.get(post=post)
    client.force_login(cast.manager)
    assert client.get(f"/moderation/cases/{case.pk}/").status_code == 404
    response = client.post(f"/moderation/cases/{case.pk}/decide/", {"outcome": "keep"})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).status == "open"


def test_a_forged_post_for_another_community_answers_404(client, cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    client.force_login(cast.other_moderator)
    response = client.post(
        f"/moderation/cases/{case.pk}/decide/", {"outcome": "delete", "reason": reason().pk}
    )
    assert response.status_code == 404
    assert Post.objects.get(pk=post.pk).status == "published"


def test_deciding_a_closed_case_through_the_page_shows_the_refusal(client, cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    services.case_decide(actor=cast.moderator, case=case, outcome="keep")
    client.force_login(cast.manager)
    response = client.post(
        f"/moderation/cases/{case.pk}/decide/", {"outcome": "hide", "reason": reason().pk}
    )
    assert response.status_code == 400
    assert "already decided" in response.text
    assert Post.objects.get(pk=post.pk).status == "published"


def test_an_absurd_mute_through_the_page_keeps_what_was_typed(client, cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    client.force_login(cast.manager)
    response = client.post(
        f"/moderation/cases/{case.pk}/decide/",
        {
            "outcome": "hide",
            "reason": reason().pk,
            "message": "Keep this text",
            "sanction": "mute",
            "days": "-4",
        },
    )
    assert response.status_code == 400
    assert "A mute lasts from 1 to 365 days." in response.text
    assert "Keep this text" in response.text
    assert Post.objects.get(pk=post.pk).status == "published"
    assert not Sanction.objects.exists()


# Reporting pages --------------------------------------------------------------------


def test_member_reports_a_post_from_its_page(client, cast):
    post = PostFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)
    page = client.get(post.get_absolute_url())
    assert f"/moderation/report/post/{post.pk}/" in page.text
    form = client.get(f"/moderation/report/post/{post.pk}/")
    assert form.status_code == 200 and "§4.3" in form.text
    response = client.post(
        f"/moderation/report/post/{post.pk}/", {"reason": reason("4.5").pk, "note": "Rude."}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.reporter == cast.member and report.reason.number == "4.5"
    assert report.note == "Rude."


def test_the_author_sees_no_report_link_on_their_post(client, cast):
    post = PostFactory(community=cast.community, author=cast.author)
    client.force_login(cast.author)
    assert "/moderation/report/" not in client.get(post.get_absolute_url()).text
    assert client.get(f"/moderation/report/post/{post.pk}/").status_code == 404


def test_reporting_twice_through_the_page(client, cast):
    post = reported_post(cast)
    client.force_login(cast.member)
    assert "You already reported this" in client.get(f"/moderation/report/post/{post.pk}/").text
    response = client.post(f"/moderation/report/post/{post.pk}/", {"reason": reason().pk})
    assert response.status_code == 400
    assert "You already reported this." in response.text
    assert Report.objects.count() == 1


def test_report_without_reason_keeps_the_note(client, cast):
    post = PostFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)
    response = client.post(f"/moderation/report/post/{post.pk}/", {"note": "My note"})
    assert response.status_code == 400 and "My note" in response.text
    assert not Report.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "external", "muted", "banned", "no_charter"])
def test_report_page_is_404_for_those_who_may_not_read_or_contribute(client, cast, who):
    post = PostFactory(community=cast.community, author=cast.author)
    comment = CommentFactory(post=post, author=cast.author)
    if who == "outsider":
        user = cast.outsider
    elif who == "external":
        user = ExternalFactory()
    elif who == "muted":
        user = cast.member
        SanctionFactory(
            user=user,
            kind="mute",
            community=cast.community,
            ends_at=timezone.now() + timezone.timedelta(days=1),
        )
    elif who == "banned":
        user = UserFactory()
        MembershipFactory(community=cast.community, user=user, status="banned")
    else:
        user = UserFactory(accepted_charter=False)
        MembershipFactory(community=cast.community, user=user)
    client.force_login(user)
    for url in (f"/moderation/report/post/{post.pk}/", f"/moderation/report/comment/{comment.pk}/"):
        assert client.get(url).status_code == 404
        # (without the charter, the charter gate turns the POST into a redirect to it)
        expected = 302 if who == "no_charter" else 404
        assert client.post(url, {"reason": reason().pk}).status_code == expected
    assert not Report.objects.exists()


def test_profile_posts_are_reported_by_employees_not_externals(client, cast):
    post = PostFactory(community=None, author=cast.author)
    client.force_login(ExternalFactory())
    assert client.get(f"/moderation/report/post/{post.pk}/").status_code == 404
    client.force_login(cast.outsider)
    response = client.post(f"/moderation/report/post/{post.pk}/", {"reason": reason().pk})
    assert response.status_code == 302
    assert Case.objects.get(post=post).community is None


def test_reporting_a_comment_through_its_page(client, cast):
    post = PostFactory(community=cast.community, author=cast.member)
    comment = CommentFactory(post=post, author=cast.author)
    client.force_login(cast.member)
    response = client.post(
        f"/moderation/report/comment/{comment.pk}/", {"reason": reason("4.4").pk}
    )
    assert response.status_code == 302
    assert Case.objects.get().comment == comment


# Queue --------------------------------------------------------------------------------


def _many_cases(cast, count):
    reporters = [UserFactory() for _ in range(2)]
    for reporter in reporters:
        MembershipFactory(community=cast.community, user=reporter)
    for index in range(count):
        post = PostFactory(community=cast.community, author=cast.author)
        for reporter in reporters[: 1 + index % 2]:
            services.report_create(actor=reporter, post=post, reason=reason())
        if index % 3 == 0:
            comment = CommentFactory(post=post, author=cast.author)
            services.report_create(actor=reporters[0], post=post, comment=comment, reason=reason())


@pytest.mark.parametrize("count", [3, 30])
def test_queue_queries_do_not_grow_with_cases(client, cast, count, django_assert_max_num_queries):
    _many_cases(cast, count)
    client.force_login(cast.manager)
    client.get("/moderation/")  # warm the session flag
    with django_assert_max_num_queries(12):
        response = client.get("/moderation/")
    assert response.status_code == 200


def test_queue_filters(client, cast):
    reported_post(cast, body="About privacy", number="4.3")
    reported_post(cast, body="About spam", number="4.10")
    client.force_login(cast.manager)
    response = client.get("/moderation/", {"reason": "4.10"})
    assert "About spam" in response.text and "About privacy" not in response.text
    response = client.get("/moderation/", {"community": cast.other.slug})
    assert "About spam" not in response.text
    response = client.get("/moderation/", {"status": "closed"})
    assert "About spam" not in response.text


def test_case_page_shows_thread_reports_and_sanctions(client, cast):
    post = PostFactory(community=cast.community, author=cast.member, body="The original post")
    comment = CommentFactory(post=post, author=cast.author, body="A rude reply")
    services.report_create(
        actor=cast.member, post=post, comment=comment, reason=reason("4.5"), note="Hurtful"
    )
    SanctionFactory(user=cast.author)
    SanctionFactory(user=cast.author)
    case = Case.objects.get()
    client.force_login(cast.manager)
    text = client.get(f"/moderation/cases/{case.pk}/").text
    assert "The original post" in text and "A rude reply" in text and "Hurtful" in text
    assert "consider a mute" in text


# Navigation counter -------------------------------------------------------------------


def test_the_counter_shows_for_moderators_only(client, cast):
    reported_post(cast)
    client.force_login(cast.manager)
    assert "1 open case" in client.get("/").text
    client.force_login(cast.member)
    text = client.get("/").text
    assert "/moderation/" not in text.split("</nav>")[0]


def test_the_counter_costs_non_moderators_no_query(client, cast, django_assert_num_queries):
    reported_post(cast)
    client.force_login(cast.member)
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not any("moderation_case" in q["sql"] for q in queries.captured_queries)


# The author's side --------------------------------------------------------------------


def test_author_sees_the_decision_with_its_section_and_contests_it(client, cast, site_moderator):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    services.case_decide(
        actor=cast.manager, case=case, outcome="hide", reason=reason(), message="Private data."
    )
    client.force_login(cast.author)
    text = client.get("/moderation/mine/").text
    assert "§4.3" in text and "Private data." in text and "Contest this decision" in text
    response = client.post(
        f"/moderation/mine/case/{case.pk}/appeal/", {"message": "It was already public."}
    )
    assert response.status_code == 302
    assert Appeal.objects.get().appellant == cast.author
    assert "Contest this decision" not in client.get("/moderation/mine/").text

    client.force_login(site_moderator)
    assert "It was already public." in client.get("/moderation/appeals/").text
    appeal = Appeal.objects.get()
    response = client.post(
        f"/moderation/appeals/{appeal.pk}/decide/", {"verdict": "reverse", "response": "Yes."}
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=post.pk).status == "published"


def test_reporter_sees_the_outcome_but_not_who_nor_the_sanction(client, cast):
    post = reported_post(cast)
    services.case_decide(
        actor=cast.manager,
        case=Case.objects.get(post=post),
        outcome="hide",
        reason=reason(),
        sanction={"kind": "warning"},
    )
    client.force_login(cast.member)
    text = client.get("/moderation/mine/").text
    assert "the moderators acted on the content" in text
    assert "Margot" not in text and "Warning" not in text


def test_others_cannot_appeal_someone_elses_case(client, cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    services.case_decide(actor=cast.manager, case=case, outcome="hide", reason=reason())
    client.force_login(cast.member)
    response = client.post(f"/moderation/mine/case/{case.pk}/appeal/", {"message": "x"})
    assert response.status_code == 404
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("url", ["/moderation/appeals/", "/moderation/measures/"])
def test_site_moderator_pages_are_404_for_community_managers(client, cast, url):
    client.force_login(cast.manager)
    assert client.get(url).status_code == 404


def test_appeal_decision_is_404_for_community_managers(client, cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    services.case_decide(actor=cast.moderator, case=case, outcome="hide", reason=reason())
    appeal = appeals.appeal_file(actor=cast.author, case=case, message="Please.")
    client.force_login(cast.manager)
    response = client.post(f"/moderation/appeals/{appeal.pk}/decide/", {"verdict": "reverse"})
    assert response.status_code == 404
    assert Appeal.objects.get().status == "pending"


def test_measures_page_for_site_moderators(client, cast, site_moderator):
    post = reported_post(cast)
    services.case_decide(actor=cast.manager, case=Case.objects.get(post=post), outcome="keep")
    client.force_login(site_moderator)
    response = client.get("/moderation/measures/")
    assert response.status_code == 200
    assert "90th percentile" in response.text and cast.community.name in response.text


# Admin --------------------------------------------------------------------------------


def test_admin_lists_cases_with_measures_sanctions_and_appeals(client, cast, admin_user):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    services.case_decide(
        actor=cast.manager, case=case, outcome="hide", reason=reason(), sanction={"kind": "warning"}
    )
    appeals.appeal_file(actor=cast.author, case=case, message="Please.")
    client.force_login(admin_user)
    listing = client.get("/admin/moderation/case/")
    assert listing.status_code == 200 and "90th percentile" in listing.text
    assert client.get(f"/admin/moderation/case/{case.pk}/change/").status_code == 200
    listing = client.get("/admin/moderation/sanction/")
    assert listing.status_code == 200 and "Warning" in listing.text
    sanction = Sanction.objects.get()
    assert client.get(f"/admin/moderation/sanction/{sanction.pk}/change/").status_code == 200
    assert client.get("/admin/moderation/appeal/").status_code == 200
    assert client.get("/admin/moderation/caseevent/").status_code == 200
    assert client.get("/admin/moderation/case/add/").status_code == 403


# The notification kind template ---------------------------------------------------------


def test_moderation_notifications_render_one_sentence_with_a_link(cast, admin_user):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    services.case_decide(
        actor=cast.manager,
        case=case,
        outcome="hide",
        reason=reason(),
        sanction={"kind": "mute", "days": 2},
    )
    appeal = appeals.appeal_file(actor=cast.author, case=case, message="Please.")
    appeals.appeal_decide(actor=admin_user, appeal=appeal, reverse=False)
    other = reported_post(cast)
    services.case_decide(
        actor=cast.manager,
        case=Case.objects.get(post=other),
        outcome="hide",
        reason=reason(),
        sanction={"kind": "suspension"},
    )
    request = RequestFactory().get("/")
    seen = set()
    for n in Notification.objects.filter(kind="moderation"):
        html = render_to_string(
            "notifications/kinds/moderation.html", {"n": n, "base_url": "https://rse.example"}
        )
        seen.add(n.data["event"])
        assert 'href="https://rse.example/' in html, html
        if n.data["event"] == "case_decided":
            assert "§4.3" in html and "Privacy of others" in html and "hidden" in html
        if n.data["event"] == "report_outcome":
            assert "acted on" in html and "Margot" not in html
    # (Appeals reach site moderators as their own kind, appeal_filed: tests/test_alerts_*.)
    assert seen == {
        "case_decided",
        "sanctioned",
        "report_outcome",
        "appeal_decided",
        "suspension_proposed",
    }
    del request


def test_queue_pages_by_fifty(client, cast, monkeypatch):
    from moderation import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    for number in range(3):
        reported_post(cast, body=f"Reported number {number}")
    client.force_login(cast.manager)
    first = client.get("/moderation/")
    assert "3 cases" in first.text and "Page 1 of 2" in first.text
    second = client.get("/moderation/", {"page": 2})
    assert second.text.count("Reported number") == 1


def test_a_post_edited_by_a_moderator_says_so(client, cast):
    post = reported_post(cast, body="Call me at 06 12 34 56 78")
    services.case_decide(
        actor=cast.manager,
        case=Case.objects.get(post=post),
        outcome="edit",
        reason=reason(),
        body="Call me (number removed)",
    )
    client.force_login(cast.member)
    text = client.get(post.get_absolute_url()).text
    assert "edited by a moderator" in text and "number removed" in text
    assert "06 12 34" not in text


def test_the_notification_reads_in_the_readers_language(cast):
    from django.utils import translation
    from django.utils.html import escape

    post = reported_post(cast)
    services.case_decide(
        actor=cast.manager, case=Case.objects.get(post=post), outcome="hide", reason=reason()
    )
    n = Notification.objects.get(recipient=cast.author)
    section = reason()
    with translation.override("fr"):
        html = render_to_string("notifications/kinds/moderation.html", {"n": n, "base_url": ""})
    assert "Décision de modération sur votre publication (masqué)" in html
    assert escape(section.title_fr) in html and escape(section.title_en) not in html
    assert 'href="/moderation/mine/#case-' in html


def test_unknown_kinds_answer_404(client, cast):
    post = PostFactory(community=cast.community, author=cast.author)
    client.force_login(cast.member)
    assert client.get(f"/moderation/report/poll/{post.pk}/").status_code == 404
    assert client.post("/moderation/mine/thing/1/appeal/", {"message": "x"}).status_code == 404


def test_a_site_moderator_filters_among_communities_that_have_cases(client, cast, site_moderator):
    from .communities_factories import CommunityFactory

    reported_post(cast, body="A reported post")
    quiet = CommunityFactory(name="Quiet corner")
    client.force_login(site_moderator)
    response = client.get("/moderation/")
    listed = list(response.context["communities"])
    assert cast.community in listed
    assert quiet not in listed
