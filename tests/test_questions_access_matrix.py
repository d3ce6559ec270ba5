"""Who may ask, answer and accept (DESIGN §3, rules 2, 4, 7 applied to questions):
role × community kind, through HTTP, the database telling what happened.

The contribution cells are those of the posts' matrix (a question is a post, an answer
a comment); accepting is for the asker, or a manager or moderator who may contribute."""

import pytest

from audit.models import AuditEntry
from communities.models import Community
from posts.models import Comment, Post
from questions.models import Question

from .communities_factories import CommunityFactory
from .factories import UserFactory
from .posts_factories import CommentFactory, PostFactory
from .questions_factories import QuestionFactory
from .test_posts_access_matrix import EXPECTED, KINDS, ROLES, _community, _person

pytestmark = pytest.mark.django_db

CELLS = [(kind, role) for kind in KINDS for role in ROLES]
ACCEPTING_ROLES = {"manager", "moderator", "superuser"}


@pytest.mark.parametrize(("kind", "role"), CELLS)
def test_asking(client, kind, role):
    community = _community(kind)
    user = _person(role, community)
    client.force_login(user)
    data = {"title": "Which tool for load tests?", "body": "We need one.", "tags": "perf"}
    if community is not None:
        data["community"] = community.slug
    response = client.post("/questions/ask/", data)
    assert response.status_code in {302, 404}
    asked = Question.objects.filter(post__author=user).exists()
    assert asked is EXPECTED[kind][role]
    assert Post.objects.filter(author=user).exists() is asked


@pytest.mark.parametrize(("kind", "role"), CELLS)
def test_answering(client, kind, role):
    community = _community(kind)
    question = QuestionFactory(post=PostFactory(community=community, author=UserFactory()))
    user = _person(role, community)
    client.force_login(user)
    client.post(f"/posts/{question.pk}/comments/", {"body": "Try Locust."})
    assert Comment.objects.filter(author=user).exists() is EXPECTED[kind][role]


@pytest.mark.parametrize(("kind", "role"), CELLS)
def test_accepting(client, kind, role):
    community = _community(kind)
    question = QuestionFactory(post=PostFactory(community=community, author=UserFactory()))
    answer = CommentFactory(post=question.post, author=UserFactory())
    user = _person(role, community)
    client.force_login(user)
    response = client.post(f"/questions/{question.pk}/accept/", {"comment": answer.pk})
    assert response.status_code in {302, 404}
    allowed = EXPECTED[kind][role] and role in ACCEPTING_ROLES
    if kind == "profile":  # no community: only site moderators decide besides the asker
        allowed = role == "superuser"
    question.refresh_from_db()
    assert (question.accepted_answer_id == answer.pk) is allowed
    assert AuditEntry.objects.filter(action="question.answer_accepted").exists() is allowed


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_asker_accepts_where_they_may_contribute(client, kind):
    community = _community(kind)
    asker = _person("member", community)
    question = QuestionFactory(post=PostFactory(community=community, author=asker))
    answer = CommentFactory(post=question.post, author=UserFactory())
    client.force_login(asker)
    client.post(f"/questions/{question.pk}/accept/", {"comment": answer.pk})
    question.refresh_from_db()
    assert question.is_resolved is EXPECTED[kind]["member"]


@pytest.mark.parametrize(
    "url",
    [
        "/communities/{slug}/questions/",
        "/questions/ask/?community={slug}",
        "/posts/{pk}/",
    ],
)
def test_a_hidden_community_and_its_questions_answer_404(client, employee, url):
    community = CommunityFactory(
        access=Community.Access.CLOSED, visibility=Community.Visibility.HIDDEN
    )
    question = QuestionFactory(post=PostFactory(community=community))
    client.force_login(employee)
    response = client.get(url.format(slug=community.slug, pk=question.pk))
    assert response.status_code == 404


def test_accepting_on_a_hidden_question_answers_404_and_changes_nothing(client, employee):
    community = CommunityFactory(
        access=Community.Access.CLOSED, visibility=Community.Visibility.HIDDEN
    )
    question = QuestionFactory(post=PostFactory(community=community))
    answer = CommentFactory(post=question.post)
    client.force_login(employee)
    response = client.post(f"/questions/{question.pk}/accept/", {"comment": answer.pk})
    assert response.status_code == 404
    question.refresh_from_db()
    assert not question.is_resolved


def test_the_questions_tab_of_a_closed_community_is_for_its_members(client, employee):
    community = CommunityFactory(access=Community.Access.CLOSED)
    QuestionFactory(post=PostFactory(community=community), title="Secret roadmap?")
    client.force_login(employee)
    response = client.get(f"/communities/{community.slug}/questions/", follow=True)
    assert "Secret roadmap?" not in response.content.decode()
    assert "Only members can read the questions of this community." in response.content.decode()
