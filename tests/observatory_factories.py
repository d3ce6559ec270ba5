"""A generated month of activity for the observatory's tests, and a direct SQL
computation of the figures the rollup must find."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from communities.models import Membership
from moderation.models import Case, Report
from posts.models import Comment, Like, Post, Status
from questions.models import Question

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .moderation_factories import reason

MONTH_START = date(2026, 10, 1)
MONTH_DAYS = 31


def local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


class BatchStop(Exception):
    """Raised by the test hook to stop a rollup after a batch (a killed run)."""


stop_after = {"batches": 0, "seen": 0}


def stop_hook() -> None:
    """RSE_JOB_BATCH_HOOK for the resume test: let `batches` batches commit, then fail
    inside the next one (its transaction rolls back, as when a worker is killed)."""
    stop_after["seen"] += 1
    if stop_after["seen"] > stop_after["batches"]:
        raise BatchStop


def generate_month(seed: int = 7, communities: int = 4, people: int = 14) -> dict:
    """Communities, members and a month of posts, comments, likes, reports and
    decisions at random times (days boundaries and DST change included: the last Sunday
    of October)."""
    rng = random.Random(seed)
    spaces = [CommunityFactory() for _ in range(communities)]
    persons = [
        UserFactory(
            department=rng.choice(["IT", "Sales", "HR"]), site=rng.choice(["Paris", "Lyon"])
        )
        for _ in range(people)
    ]
    for space in spaces:
        for person in rng.sample(persons, k=people // 2):
            membership = MembershipFactory(community=space, user=person)
            joined = local(
                MONTH_START + timedelta(days=rng.randrange(-5, MONTH_DAYS)), rng.randrange(24)
            )
            Membership.objects.filter(pk=membership.pk).update(created_at=joined, decided_at=joined)
    posts = []
    for _ in range(120):
        day = MONTH_START + timedelta(days=rng.randrange(MONTH_DAYS))
        at = local(day, rng.randrange(24), rng.randrange(60))
        space = rng.choice([*spaces, None])
        posts.append(
            Post.objects.create(
                community=space, author=rng.choice(persons), body="p", created_at=at
            )
        )
    comments = []
    for _ in range(200):
        post = rng.choice(posts)
        at = post.created_at + timedelta(minutes=rng.randrange(1, 3 * 24 * 60))
        comments.append(
            Comment.objects.create(post=post, author=rng.choice(persons), body="c", created_at=at)
        )
    # Questions: a third of the posts; some answered (a hidden comment does not count),
    # some with an accepted answer.
    for post in rng.sample(posts, k=40):
        question = Question.objects.create(post=post, title=f"Question {post.pk}?")
        if rng.random() < 0.2:  # answered only by a comment hidden since
            Comment.objects.create(
                post=post,
                author=rng.choice(persons),
                body="h",
                status=Status.HIDDEN,
                created_at=post.created_at + timedelta(minutes=5),
            )
        answers = [c for c in comments if c.post_id == post.pk]
        if answers and rng.random() < 0.5:
            question.accepted_answer = rng.choice(answers)
            question.resolved_at = question.accepted_answer.created_at + timedelta(hours=1)
            question.save()
    for _ in range(250):
        person = rng.choice(persons)
        if rng.random() < 0.6:
            target = {"post": rng.choice(posts)}
        else:
            target = {"comment": rng.choice(comments)}
        at = local(MONTH_START + timedelta(days=rng.randrange(MONTH_DAYS)), rng.randrange(24))
        if not Like.objects.filter(user=person, **target).exists():
            Like.objects.create(user=person, created_at=at, **target)
    section = reason()
    for post in rng.sample([p for p in posts if p.community_id], k=10):
        opened = post.created_at + timedelta(hours=rng.randrange(1, 30))
        decided = opened + timedelta(hours=rng.randrange(1, 60))
        case = Case.objects.create(
            post=post,
            community=post.community,
            author=post.author,
            opened_at=opened,
            status=Case.Status.CLOSED,
            decided_at=decided,
        )
        for reporter in rng.sample(persons, k=2):
            Report.objects.create(
                case=case, reporter=reporter, post=post, reason=section, created_at=opened
            )
    return {"communities": spaces, "people": persons}


def _param(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def sql_day(day: date) -> dict:
    """The day's figures by community, computed in plain SQL (not by the rollup)."""
    start, end = _param(local(day)), _param(local(day + timedelta(days=1)))
    figures: dict[int, dict] = {}

    def put(sql: str, column: str, params) -> None:
        # The SQL is written here, from constants: only the dates are parameters.
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for community_id, value in cursor.fetchall():
                if community_id is not None:
                    figures.setdefault(community_id, {})[column] = value

    window = [start, end]
    put(
        "SELECT community_id, COUNT(*) FROM posts_post "
        "WHERE created_at >= %s AND created_at < %s GROUP BY community_id",
        "posts",
        window,
    )
    put(
        "SELECT p.community_id, COUNT(*) FROM posts_comment c "
        "JOIN posts_post p ON p.id = c.post_id "
        "WHERE c.created_at >= %s AND c.created_at < %s GROUP BY p.community_id",
        "comments",
        window,
    )
    likes = (
        "SELECT COALESCE(p.community_id, cp.community_id) AS community_id, l.user_id "
        "FROM posts_like l LEFT JOIN posts_post p ON p.id = l.post_id "
        "LEFT JOIN posts_comment c ON c.id = l.comment_id "
        "LEFT JOIN posts_post cp ON cp.id = c.post_id "
        "WHERE l.created_at >= %s AND l.created_at < %s"
    )
    put(
        f"SELECT community_id, COUNT(*) FROM ({likes}) l GROUP BY community_id",  # noqa: S608
        "likes",
        window,
    )
    put(
        "SELECT community_id, COUNT(DISTINCT person) FROM ("  # noqa: S608
        " SELECT community_id, author_id AS person FROM posts_post"
        "  WHERE created_at >= %s AND created_at < %s"
        " UNION ALL SELECT p.community_id, c.author_id FROM posts_comment c"
        "  JOIN posts_post p ON p.id = c.post_id WHERE c.created_at >= %s AND c.created_at < %s"
        f" UNION ALL SELECT community_id, user_id FROM ({likes}) l"
        ") people GROUP BY community_id",
        "contributors",
        window * 3,
    )
    questions = (
        "SELECT p.community_id, p.author_id,"
        " EXISTS (SELECT 1 FROM posts_comment c WHERE c.post_id = p.id"
        "  AND c.status = 'published') AS answered,"
        " q.resolved_at IS NOT NULL AS resolved"
        " FROM questions_question q JOIN posts_post p ON p.id = q.post_id"
        " WHERE p.created_at >= %s AND p.created_at < %s"
    )
    put(
        "SELECT community_id, COUNT(*) FROM ("  # noqa: S608
        f"{questions}) q GROUP BY community_id",
        "questions",
        window,
    )
    put(
        "SELECT community_id, COUNT(*) FROM ("  # noqa: S608
        f"{questions}) q WHERE answered GROUP BY community_id",
        "questions_answered",
        window,
    )
    put(
        "SELECT community_id, COUNT(*) FROM ("  # noqa: S608
        f"{questions}) q WHERE resolved GROUP BY community_id",
        "questions_resolved",
        window,
    )
    put(
        "SELECT community_id, COUNT(DISTINCT author_id) FROM ("  # noqa: S608
        f"{questions}) q GROUP BY community_id",
        "askers",
        window,
    )
    joined = "COALESCE(decided_at, created_at)"
    put(
        "SELECT community_id, COUNT(*) FROM communities_membership "  # noqa: S608
        f"WHERE status = 'active' AND {joined} >= %s AND {joined} < %s GROUP BY community_id",
        "new_members",
        window,
    )
    put(
        "SELECT community_id, COUNT(*) FROM communities_membership "  # noqa: S608
        f"WHERE status = 'active' AND {joined} < %s GROUP BY community_id",
        "members",
        [end],
    )
    put(
        "SELECT k.community_id, COUNT(*) FROM moderation_report r "
        "JOIN moderation_case k ON k.id = r.case_id "
        "WHERE r.created_at >= %s AND r.created_at < %s GROUP BY k.community_id",
        "reports",
        window,
    )
    put(
        "SELECT community_id, COUNT(*) FROM moderation_case "
        "WHERE decided_at >= %s AND decided_at < %s GROUP BY community_id",
        "cases_decided",
        window,
    )
    return figures


def sql_network_day(day: date) -> dict:
    start, end = _param(local(day)), _param(local(day + timedelta(days=1)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM posts_post WHERE created_at >= %s AND created_at < %s),"
            " (SELECT COUNT(*) FROM posts_comment WHERE created_at >= %s AND created_at < %s),"
            " (SELECT COUNT(*) FROM posts_like WHERE created_at >= %s AND created_at < %s),"
            " (SELECT COUNT(DISTINCT person) FROM ("
            "   SELECT author_id AS person FROM posts_post"
            "    WHERE created_at >= %s AND created_at < %s"
            "   UNION SELECT author_id FROM posts_comment"
            "    WHERE created_at >= %s AND created_at < %s"
            "   UNION SELECT user_id FROM posts_like"
            "    WHERE created_at >= %s AND created_at < %s) x)",
            [start, end] * 6,
        )
        posts, comments, likes, contributors = cursor.fetchone()
        cursor.execute(
            "SELECT COUNT(*),"
            " COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM posts_comment c"
            "  WHERE c.post_id = p.id AND c.status = 'published') THEN 1 ELSE 0 END), 0),"
            " COALESCE(SUM(CASE WHEN q.resolved_at IS NOT NULL THEN 1 ELSE 0 END), 0),"
            " COUNT(DISTINCT p.author_id)"
            " FROM questions_question q JOIN posts_post p ON p.id = q.post_id"
            " WHERE p.created_at >= %s AND p.created_at < %s",
            [start, end],
        )
        asked, answered, resolved, askers = cursor.fetchone()
    return {
        "posts": posts,
        "comments": comments,
        "likes": likes,
        "contributors": contributors,
        "questions": asked,
        "questions_answered": answered,
        "questions_resolved": resolved,
        "askers": askers,
    }
