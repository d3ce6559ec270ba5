"""Reads about questions: lists (all of them start from `access.questions`), the
questions offered to me, the standing of a person's answers."""

from django.db.models import QuerySet

from access import questions as question_rules
from posts.models import Post
from posts.selectors import QUESTION_STATES, asked_as_questions

from .models import AnswerStanding, AnswerWillingness, QuestionOffer

STATES = QUESTION_STATES


def filtered(posts: QuerySet[Post], state: str) -> QuerySet[Post]:
    """Unanswered: no accepted answer and no comment yet; resolved: an answer accepted.
    Defined in `posts.selectors`, which search filters with too."""
    return asked_as_questions(posts, state)


def question_list(posts: QuerySet[Post], state: str = "all") -> QuerySet[Post]:
    """What a list of questions shows (title, state, asker, place), newest first, in a
    fixed number of queries whatever the rows."""
    return (
        filtered(posts, state)
        .select_related("question", "author", "author__profile", "community")
        .order_by("-created_at", "-id")
    )


def questions_of_community(viewer, community, state: str = "all") -> QuerySet[Post]:
    return question_list(
        question_rules.questions_readable_by(viewer).filter(community=community), state
    )


def questions_of_tag(viewer, tag, state: str = "all") -> QuerySet[Post]:
    return question_list(
        question_rules.questions_readable_by(viewer).filter(tag_links__tag=tag), state
    )


def questions_for(viewer, state: str = "all") -> QuerySet[Post]:
    return question_list(question_rules.questions_readable_by(viewer), state)


def offers_to(viewer) -> QuerySet[QuestionOffer]:
    """The questions offered to me that I may still read, newest first."""
    readable = question_rules.questions_readable_by(viewer).values("pk")
    return (
        QuestionOffer.objects.filter(user_id=viewer.pk, question__post__in=readable)
        .select_related(
            "skill",
            "question",
            "question__post",
            "question__post__author",
            "question__post__author__profile",
            "question__post__community",
        )
        .order_by("-created_at", "-id")
    )


def is_willing(user) -> bool:
    return AnswerWillingness.objects.filter(user_id=user.pk, willing=True).exists()


def standings_of(person) -> list[AnswerStanding]:
    """Skills on which some of `person`'s answers were accepted."""
    return list(
        AnswerStanding.objects.filter(user=person, accepted_count__gt=0)
        .select_related("skill")
        .order_by("skill__normalized")
    )
