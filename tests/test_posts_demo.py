"""seed_demo fills the communities with posts, threads, likes, tags and follows, once."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from notifications.models import Notification
from posts.models import Comment, CommunityFollow, Like, Post, TagFollow

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Post.objects.count(),
        Comment.objects.count(),
        Like.objects.count(),
        CommunityFollow.objects.count(),
        TagFollow.objects.count(),
        Notification.objects.count(),
    )


def test_seed_demo_posts_once_with_right_counters():
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    posts, comments, likes, community_follows, tag_follows, _notes = first
    assert posts >= 14 and comments >= 10 and likes >= 30
    assert community_follows > 0 and tag_follows > 0
    assert Post.objects.filter(community=None).exists()
    assert Post.objects.filter(community__slug="executive-committee").exists()
    assert Post.objects.filter(body__contains="Bienvenue").exists()
    assert Post.objects.filter(body__contains="security awareness").exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    # Stored counters match the rows.
    mismatched = Post.objects.annotate(
        n_likes=Count("likes", distinct=True),
        n_comments=Count("comments", filter=Q(comments__status="published"), distinct=True),
    ).exclude(likes_count=F("n_likes"), comments_count=F("n_comments"))
    assert not mismatched.exists()
    # Spread over a few weeks.
    dates = sorted(Post.objects.values_list("created_at", flat=True))
    assert (dates[-1] - dates[0]).days >= 20

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == first
    assert "Demo posts: 0 created." in out.getvalue()
