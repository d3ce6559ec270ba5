"""Questions through their pages and services: asking (and bad input), accepting (and
bad input), the lists and their filters, the tabs, the page of questions offered to
me, what the asker and the profile show — and the queries of the lists."""

import pytest
from django.core.exceptions import ValidationError
from taggit.models import Tag

from audit.models import AuditEntry
from communities.models import Community, Membership
from posts.models import Post
from profiles.models import UserSkill
from questions import services
from questions.models import AnswerStanding, AnswerWillingness, Question, QuestionOffer

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, SkillFactory, UserFactory, UserSkillFactory
from .posts_factories import CommentFactory, PostFactory
from .questions_factories import QuestionFactory, WillingnessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def free():
    return CommunityFactory(access=Community.Access.FREE, slug="engineering")


# --- Asking ------------------------------------------------------------------------------


def test_asking_publishes_a_post_with_a_title_and_tags(client, employee, free):
    client.force_login(employee)
    response = client.post(
        "/questions/ask/",
        {
            "community": free.slug,
            "title": "How do we rotate the API keys?",
            "body": "The old ones expire Friday.",
            "tags": "Sécurité, api",
        },
    )
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{question.pk}/"
    assert question.title == "How do we rotate the API keys?"
    assert question.post.community == free
    assert sorted(question.post.tags.values_list("slug", flat=True)) == ["api", "securite"]
    page = client.get(response["Location"]).content.decode()
    assert "How do we rotate the API keys?" in page
    assert "Unanswered" in page


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 1000, "The title is too long: 1000 characters, at most 200."),
    ],
)
def test_a_bad_title_is_refused_and_nothing_is_saved(client, employee, free, title, message):
    client.force_login(employee)
    response = client.post(
        "/questions/ask/",
        {"community": free.slug, "title": title, "body": "Kept as typed", "tags": "x"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Kept as typed" in response.content.decode()
    assert not Post.objects.exists() and not Question.objects.exists()


def test_an_empty_body_is_refused_and_nothing_is_saved(employee, free):
    with pytest.raises(ValidationError) as refused:
        services.question_ask(actor=employee, community=free, title="Why?", body="  ")
    assert refused.value.messages == ["Write something before publishing."]
    assert not Post.objects.exists() and not Question.objects.exists()


def test_too_many_tags_leave_nothing_behind(client, employee, free):
    client.force_login(employee)
    tags = ", ".join(f"tag{n}" for n in range(30))
    response = client.post(
        "/questions/ask/", {"community": free.slug, "title": "Ok?", "body": "Fine", "tags": tags}
    )
    assert response.status_code == 400
    assert "A post may carry up to 10 tags." in response.content.decode()
    assert not Post.objects.exists() and not Question.objects.exists()


def test_the_asker_sees_how_many_experts_never_who(client, employee, free):
    skill = SkillFactory(name="Terraform")
    experts = [UserFactory(first_name="Expertname", last_name=f"N{n}") for n in range(3)]
    for expert in experts:
        UserSkillFactory(user=expert, skill=skill, level=UserSkill.Level.EXPERT)
        WillingnessFactory(user=expert)
    question = services.question_ask(
        actor=employee, community=free, title="State locking?", body="How?", tags="terraform"
    )
    client.force_login(employee)
    page = client.get(f"/posts/{question.pk}/").content.decode()
    assert "Offered to 3 experts." in page
    assert "Expertname" not in page
    client.force_login(UserFactory())
    assert "Offered to" not in client.get(f"/posts/{question.pk}/").content.decode()


# --- Accepting ---------------------------------------------------------------------------


def test_accepting_resolves_shows_the_answer_first_and_is_audited(client, employee, free):
    question = QuestionFactory(post=PostFactory(community=free, author=employee))
    CommentFactory(post=question.post, body="Restart it.")
    good = CommentFactory(post=question.post, body="Rotate with the vault CLI.")
    client.force_login(employee)
    response = client.post(f"/questions/{question.pk}/accept/", {"comment": good.pk}, follow=True)
    page = response.content.decode()
    assert "The answer is accepted: the question is resolved." in page
    assert page.index("Accepted answer") < page.index("Restart it.")
    question.refresh_from_db()
    assert question.accepted_answer == good and question.accepted_by == employee
    entry = AuditEntry.objects.get(action="question.answer_accepted")
    assert entry.actor == employee and entry.data["comment"] == good.pk
    assert entry.data["as"] == "asker"


def test_a_manager_accepts_and_the_audit_says_so(employee, free):
    manager = UserFactory()
    MembershipFactory(community=free, user=manager, role=Membership.Role.MANAGER)
    question = QuestionFactory(post=PostFactory(community=free, author=employee))
    answer = CommentFactory(post=question.post)
    services.answer_accept(actor=manager, question=question, comment=answer)
    assert AuditEntry.objects.get(action="question.answer_accepted").data["as"] == "moderator"


def test_an_answer_of_another_post_is_refused_and_nothing_changes(client, employee, free):
    question = QuestionFactory(post=PostFactory(community=free, author=employee))
    elsewhere = CommentFactory(post=PostFactory(community=free))
    client.force_login(employee)
    response = client.post(
        f"/questions/{question.pk}/accept/", {"comment": elsewhere.pk}, follow=True
    )
    assert "This answer belongs to another post: it cannot be accepted here." in (
        response.content.decode()
    )
    question.refresh_from_db()
    assert not question.is_resolved
    assert not AuditEntry.objects.filter(action="question.answer_accepted").exists()


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_a_missing_answer_gets_the_same_message(client, employee, free, value):
    question = QuestionFactory(post=PostFactory(community=free, author=employee))
    client.force_login(employee)
    response = client.post(f"/questions/{question.pk}/accept/", {"comment": value}, follow=True)
    assert "This answer belongs to another post" in response.content.decode()
    question.refresh_from_db()
    assert not question.is_resolved


def test_accepting_a_plain_post_answers_404(client, employee, free):
    post = PostFactory(community=free, author=employee)
    comment = CommentFactory(post=post)
    client.force_login(employee)
    assert client.post(f"/questions/{post.pk}/accept/", {"comment": comment.pk}).status_code == 404


def test_accepting_twice_counts_once_and_another_answer_replaces_it(employee, free):
    skill = SkillFactory(name="Docker")
    first_author, second_author = UserFactory(), UserFactory()
    for person in (first_author, second_author):
        UserSkillFactory(user=person, skill=skill)
    post = PostFactory(community=free, author=employee, tags=["docker"])
    question = QuestionFactory(post=post)
    first = CommentFactory(post=post, author=first_author)
    second = CommentFactory(post=post, author=second_author)
    services.answer_accept(actor=employee, question=question, comment=first)
    services.answer_accept(actor=employee, question=question, comment=first)
    assert AuditEntry.objects.filter(action="question.answer_accepted").count() == 1
    assert AnswerStanding.objects.get(user=first_author, skill=skill).accepted_count == 1
    services.answer_accept(actor=employee, question=question, comment=second)
    assert AnswerStanding.objects.get(user=first_author, skill=skill).accepted_count == 0
    assert AnswerStanding.objects.get(user=second_author, skill=skill).accepted_count == 1


def test_answers_accepted_show_on_the_profile(client, employee, free):
    skill = SkillFactory(name="Électricité")
    answerer = UserFactory()
    UserSkillFactory(user=answerer, skill=skill, level=UserSkill.Level.EXPERT)
    post = PostFactory(community=free, author=employee, tags=["electricite"])
    question = QuestionFactory(post=post)
    services.answer_accept(
        actor=employee, question=question, comment=CommentFactory(post=post, author=answerer)
    )
    client.force_login(employee)
    page = client.get(f"/people/{answerer.username}/").content.decode()
    assert "Électricité: 1 answer accepted" in page


def test_answering_ones_own_question_raises_no_standing(employee, free):
    skill = SkillFactory(name="Go")
    UserSkillFactory(user=employee, skill=skill)
    post = PostFactory(community=free, author=employee, tags=["go"])
    question = QuestionFactory(post=post)
    services.answer_accept(
        actor=employee, question=question, comment=CommentFactory(post=post, author=employee)
    )
    assert not AnswerStanding.objects.filter(accepted_count__gt=0).exists()


# --- Lists and tabs ----------------------------------------------------------------------


@pytest.fixture
def three_questions(free, employee):
    post = PostFactory(community=free, tags=["lean"])
    resolved = QuestionFactory(post=post, title="Resolved one")
    services.answer_accept(actor=post.author, question=resolved, comment=CommentFactory(post=post))
    answered = QuestionFactory(post=PostFactory(community=free, tags=["lean"]), title="Discussed")
    CommentFactory(post=answered.post)
    QuestionFactory(post=PostFactory(community=free, tags=["lean"]), title="Nobody yet")
    PostFactory(community=free, body="A plain post, no question", tags=["lean"])
    return free


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        ("all", {"Resolved one", "Discussed", "Nobody yet"}),
        ("unanswered", {"Nobody yet"}),
        ("resolved", {"Resolved one"}),
        ("nonsense", {"Resolved one", "Discussed", "Nobody yet"}),
    ],
)
@pytest.mark.parametrize(
    "url", ["/questions/", "/communities/engineering/questions/", "/tags/lean/questions/"]
)
def test_lists_filter_by_state(client, employee, three_questions, url, state, shown):
    client.force_login(employee)
    page = client.get(f"{url}?state={state}").content.decode()
    for title in {"Resolved one", "Discussed", "Nobody yet"}:
        assert (title in page) is (title in shown)
    assert "A plain post, no question" not in page


def test_the_community_and_tag_pages_link_their_questions_tab(client, employee, three_questions):
    client.force_login(employee)
    assert (
        "/communities/engineering/questions/"
        in client.get("/communities/engineering/").content.decode()
    )
    assert "/tags/lean/questions/" in client.get("/tags/lean/").content.decode()


def test_cards_in_the_stream_show_the_question_and_its_state(client, employee, three_questions):
    client.force_login(employee)
    page = client.get("/communities/engineering/").content.decode()
    assert "Resolved one" in page and "Resolved" in page
    assert "Nobody yet" in page and "Unanswered" in page


def test_lists_never_show_questions_the_viewer_may_not_read(client, employee):
    closed = CommunityFactory(access=Community.Access.CLOSED)
    QuestionFactory(post=PostFactory(community=closed, tags=["lean"]), title="Members only")
    QuestionFactory(post=PostFactory(community=None, tags=["lean"]), title="On a profile")
    client.force_login(employee)
    assert "Members only" not in client.get("/questions/").content.decode()
    assert "On a profile" in client.get("/questions/").content.decode()
    partner = ExternalFactory()
    client.force_login(partner)
    assert "On a profile" not in client.get("/questions/").content.decode()


# --- Questions I can answer --------------------------------------------------------------


def test_opting_in_and_out(client, employee):
    client.force_login(employee)
    page = client.get("/questions/for-me/").content.decode()
    assert "I am willing to answer questions on my skills" in page
    client.post("/questions/for-me/willing/", {"willing": "1"})
    assert AnswerWillingness.objects.get(user=employee).willing
    client.post("/questions/for-me/willing/", {"willing": "0"})
    assert not AnswerWillingness.objects.get(user=employee).willing


def test_an_external_cannot_opt_in(client):
    partner = ExternalFactory()
    client.force_login(partner)
    response = client.post("/questions/for-me/willing/", {"willing": "1"}, follow=True)
    assert "Only employees are offered questions." in response.content.decode()
    assert not AnswerWillingness.objects.exists()


def test_offers_no_longer_readable_disappear(client, employee):
    community = CommunityFactory(access=Community.Access.CLOSED)
    membership = MembershipFactory(community=community, user=employee)
    skill = SkillFactory(name="Rust")
    question = QuestionFactory(post=PostFactory(community=community), title="Lifetimes?")
    QuestionOffer.objects.create(question=question, user=employee, skill=skill)
    client.force_login(employee)
    assert "Lifetimes?" in client.get("/questions/for-me/").content.decode()
    membership.status = Membership.Status.LEFT
    membership.save()
    assert "Lifetimes?" not in client.get("/questions/for-me/").content.decode()


# --- Queries of the lists ----------------------------------------------------------------

LIMIT = 14


def _grow(community, skill, reader, count: int) -> None:
    for n in range(count):
        post = PostFactory(community=community, tags=["lean", f"t{n}"])
        question = QuestionFactory(post=post)
        CommentFactory(post=post)
        QuestionOffer.objects.create(question=question, user=reader, skill=skill)


@pytest.mark.parametrize(
    "url",
    [
        "/questions/",
        "/questions/?state=unanswered",
        "/communities/engineering/questions/",
        "/tags/lean/questions/",
        "/questions/for-me/",
    ],
)
def test_list_queries_do_not_grow(client, free, django_assert_max_num_queries, url):
    reader = UserFactory()
    MembershipFactory(community=free, user=reader)
    skill = SkillFactory(name="Lean")
    Tag.objects.create(name="lean", slug="lean")
    _grow(free, skill, reader, 2)
    client.force_login(reader)
    client.get(url)
    with django_assert_max_num_queries(LIMIT) as small:
        assert client.get(url).status_code == 200
    _grow(free, skill, reader, 15)
    with django_assert_max_num_queries(LIMIT) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_erasing_the_accepted_answer_keeps_the_question_resolved(client, employee, free):
    answerer = UserFactory()
    question = QuestionFactory(post=PostFactory(community=free, author=employee))
    answer = CommentFactory(post=question.post, author=answerer, body="Gone soon")
    services.answer_accept(actor=employee, question=question, comment=answer)
    answerer.delete()  # their data purged: the comment goes with them
    question.refresh_from_db()
    assert question.is_resolved and question.accepted_answer is None
    client.force_login(employee)
    page = client.get(f"/posts/{question.pk}/").content.decode()
    assert "Resolved" in page and "Gone soon" not in page
