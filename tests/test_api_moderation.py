"""Moderation over the API: reporting with a charter reason; the queue, a case and its
decision for those who handle it, with the `moderate` scope; hidden = 404."""

import pytest

from audit.models import AuditEntry
from moderation.models import Case, Decision, Sanction
from posts.models import Post

from .api_helpers import api_as, is_problem
from .moderation_factories import make_cast, reason, reported_post
from .posts_factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def test_a_member_reports_a_post_and_a_comment(cast):
    post = PostFactory(community=cast.community, author=cast.author)
    comment = CommentFactory(post=post, author=cast.author)
    api = api_as(cast.member)
    reasons = api.get("/api/v1/moderation/reasons/").json()
    privacy = next(r for r in reasons if r["number"] == "4.3")
    response = api.post(f"/api/v1/posts/{post.pk}/report/", {"reason": privacy["id"], "note": "x"})
    assert response.status_code == 201
    case = Case.objects.get(post=post, comment=None)
    assert response.json() == {"case": case.pk}
    assert AuditEntry.objects.get(action="moderation.reported").client == "api"
    assert (
        api.post(f"/api/v1/comments/{comment.pk}/report/", {"reason": privacy["id"]}).status_code
        == 201
    )
    again = api.post(f"/api/v1/posts/{post.pk}/report/", {"reason": privacy["id"]})
    assert is_problem(again, 400) and "already reported" in again.json()["detail"]


def test_bad_reports_are_refused_and_change_nothing(cast):
    post = PostFactory(community=cast.community, author=cast.author)
    api = api_as(cast.member)
    assert is_problem(api.post(f"/api/v1/posts/{post.pk}/report/", {"reason": 999999}), 400)
    assert is_problem(api.post(f"/api/v1/posts/{post.pk}/report/", {}), 400)
    # What one may not read, and one's own post: 404, as the page.
    assert is_problem(
        api_as(cast.outsider).post(f"/api/v1/posts/{post.pk}/report/", {"reason": reason().pk}), 404
    )
    assert is_problem(
        api_as(cast.author).post(f"/api/v1/posts/{post.pk}/report/", {"reason": reason().pk}), 404
    )
    assert not Case.objects.exists()


def test_the_queue_and_a_case_for_its_moderators_only(cast, site_moderator):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    token_scopes = ["read", "moderate"]
    queue = api_as(cast.moderator, token_scopes).get("/api/v1/moderation/cases/").json()
    assert [c["id"] for c in queue["results"]] == [case.pk]
    detail = api_as(site_moderator, token_scopes).get(f"/api/v1/moderation/cases/{case.pk}/")
    assert detail.status_code == 200 and [r["reason"] for r in detail.json()["reports"]] == ["4.3"]
    # Another community's moderator: the case does not exist for them.
    other = api_as(cast.other_moderator, token_scopes)
    assert other.get("/api/v1/moderation/cases/").json()["results"] == []
    assert is_problem(other.get(f"/api/v1/moderation/cases/{case.pk}/"), 404)
    # A member: no queue at all (their token cannot even ask for the moderate scope).
    assert is_problem(api_as(cast.member).get("/api/v1/moderation/cases/"), 403)
    # Without the moderate scope, a moderator's token reads no queue.
    assert is_problem(api_as(cast.moderator).get("/api/v1/moderation/cases/"), 403)


def test_a_decision_with_a_sanction_is_applied_and_audited(cast):
    post = reported_post(cast)
    case = Case.objects.get(post=post)
    api = api_as(cast.moderator, ["read", "moderate"])
    bad = api.post(f"/api/v1/moderation/cases/{case.pk}/decision/", {"outcome": "hide"})
    assert is_problem(bad, 400) and "Cite the section" in bad.json()["detail"]
    assert Case.objects.get(pk=case.pk).status == "open"
    decided = api.post(
        f"/api/v1/moderation/cases/{case.pk}/decision/",
        {
            "outcome": "hide",
            "reason": reason().pk,
            "message": "Private data",
            "sanction": "warning",
        },
    )
    assert decided.status_code == 200 and decided.json()["status"] == "closed"
    assert Post.objects.get(pk=post.pk).status == "hidden"
    assert Decision.objects.get(case=case).decided_by == cast.moderator
    assert Sanction.objects.get(user=cast.author).kind == "warning"
    assert AuditEntry.objects.get(action="moderation.decided").client == "api"
