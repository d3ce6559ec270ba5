"""Posting rate limits (posts/ratelimits.py): per person, per community, with a clear
message in both languages; nothing written past the limit; moderators and managers
exempt where they act."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone, translation

from communities.models import Community, Membership
from posts import services
from posts.models import Comment, Post
from posts.ratelimits import Rate, parse_rate

from .communities_factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guild():
    return CommunityFactory(access=Community.Access.OPEN)


@pytest.fixture
def author(guild):
    return MembershipFactory(community=guild).user


@pytest.fixture
def limits(settings):
    settings.RSE_POSTS_PER_PERSON = "3/10m"
    settings.RSE_COMMENTS_PER_PERSON = "2/m"
    settings.RSE_POSTS_PER_COMMUNITY = "5/h"
    return settings


def test_rates_read_as_amount_per_period():
    assert parse_rate("10/m", "X") == Rate(10, timedelta(minutes=1))
    assert parse_rate("5/10m", "X") == Rate(5, timedelta(minutes=10))
    assert parse_rate(" 30 / h ", "X") == Rate(30, timedelta(hours=1))
    assert parse_rate("", "X") is None
    with pytest.raises(ImproperlyConfigured, match="RSE_POSTS_PER_PERSON"):
        parse_rate("ten a minute", "RSE_POSTS_PER_PERSON")


def test_a_person_past_the_limit_is_told_to_wait_and_nothing_is_written(limits, author, guild):
    for n in range(3):
        services.post_create(actor=author, community=guild, body=f"post {n}")
    with pytest.raises(ValidationError) as refused:
        services.post_create(actor=author, community=guild, body="one too many")
    assert "3 posts in the last 10 minutes" in refused.value.messages[0]
    assert Post.objects.filter(author=author).count() == 3
    assert not Post.objects.filter(body="one too many").exists()


def test_the_limit_counts_the_period_only(limits, author, guild):
    with time_machine.travel(timezone.now() - timedelta(minutes=11)):
        for n in range(3):
            services.post_create(actor=author, community=guild, body=f"earlier {n}")
    services.post_create(actor=author, community=guild, body="now")
    assert Post.objects.filter(author=author).count() == 4


def test_the_message_is_in_french(limits, author, guild):
    for n in range(3):
        services.post_create(actor=author, community=guild, body=f"post {n}")
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        services.post_create(actor=author, community=guild, body="encore")
    assert "3 publications en 10 minutes" in refused.value.messages[0]


def test_a_busy_community_refuses_more_posts_from_anyone(limits, guild):
    for n in range(5):
        services.post_create(
            actor=MembershipFactory(community=guild).user, community=guild, body=f"p{n}"
        )
    newcomer = MembershipFactory(community=guild).user
    with pytest.raises(ValidationError, match="This community received 5 posts"):
        services.post_create(actor=newcomer, community=guild, body="flood")
    assert Post.objects.filter(community=guild).count() == 5
    # Elsewhere, the same person may post.
    services.post_create(actor=newcomer, community=None, body="on my profile")


@pytest.mark.parametrize("role", [Membership.Role.MANAGER, Membership.Role.MODERATOR])
def test_managers_and_moderators_are_exempt_in_their_community(limits, guild, role):
    manager = MembershipFactory(community=guild, role=role).user
    for n in range(6):
        services.post_create(actor=manager, community=guild, body=f"announcement {n}")
    assert Post.objects.filter(author=manager).count() == 6
    other = CommunityFactory(access=Community.Access.OPEN)
    MembershipFactory(community=other, user=manager)
    with pytest.raises(ValidationError):  # a plain member elsewhere: the limit holds
        services.post_create(actor=manager, community=other, body="elsewhere")


def test_site_moderators_are_exempt_everywhere(limits, site_moderator):
    for n in range(4):
        services.post_create(actor=site_moderator, community=None, body=f"notice {n}")
    assert Post.objects.filter(author=site_moderator).count() == 4


def test_comments_have_their_own_limit(limits, author, guild):
    post = services.post_create(actor=author, community=guild, body="thread")
    commenter = MembershipFactory(community=guild).user
    for n in range(2):
        services.comment_create(actor=commenter, post=post, body=f"c{n}")
    with pytest.raises(ValidationError, match="2 comments in the last 1 minute"):
        services.comment_create(actor=commenter, post=post, body="c3")
    assert Comment.objects.filter(author=commenter).count() == 2


def test_an_empty_setting_means_no_limit(limits, author, guild):
    limits.RSE_POSTS_PER_PERSON = ""
    for n in range(4):
        services.post_create(actor=author, community=guild, body=f"post {n}")
    assert Post.objects.filter(author=author).count() == 4


def test_the_form_keeps_the_text_and_says_why(limits, client, author, guild):
    client.force_login(author)
    for n in range(3):
        services.post_create(actor=author, community=guild, body=f"post {n}")
    response = client.post(
        "/posts/new/", {"community": guild.slug, "body": "my careful words", "tags": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please wait a little before publishing again" in page
    assert "my careful words" in page
