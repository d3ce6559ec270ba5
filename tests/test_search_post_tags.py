"""A post is found by the words of its tags as well as its text (issue 17: "lean" found
0 posts although two carried #lean), on PostgreSQL (the stored vector, kept up to date
by triggers when tags are added, changed or removed) and on SQLite alike; a tag of a
post one may not read finds nothing."""

import pytest

from communities.models import Community
from posts import services
from search.selectors import search_posts
from search.text import parse_query

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def bodies(viewer, q):
    return {post.body for post in search_posts(viewer, parse_query(q))}


@pytest.fixture
def guild():
    return CommunityFactory(access=Community.Access.FREE)


def test_a_post_is_found_by_its_tags(guild):
    author = UserFactory()
    services.post_create(actor=author, community=guild, body="Kaizen week", tags="lean, 5S")
    services.post_create(actor=author, community=guild, body="Lean is a method", tags="")
    services.post_create(actor=author, community=guild, body="Budget review", tags="finance")
    reader = UserFactory()

    assert bodies(reader, "lean") == {"Kaizen week", "Lean is a method"}
    assert bodies(reader, "kaizen lean") == {"Kaizen week"}  # a word of each
    assert bodies(reader, "LÉAN") == {"Kaizen week", "Lean is a method"}


def test_changing_the_tags_changes_what_finds_the_post(guild):
    author = UserFactory()
    post = services.post_create(actor=author, community=guild, body="Weekly notes", tags="lean")
    reader = UserFactory()
    assert bodies(reader, "lean") == {"Weekly notes"}

    services.post_edit(actor=author, post=post, body="Weekly notes", tags="safety")

    assert bodies(reader, "lean") == set()
    assert bodies(reader, "safety") == {"Weekly notes"}


def test_the_tags_of_a_post_one_may_not_read_find_nothing():
    closed = CommunityFactory(access=Community.Access.CLOSED)
    author = MembershipFactory(community=closed).user
    services.post_create(actor=author, community=closed, body="Board notes", tags="lean")
    outsider = UserFactory()
    assert bodies(outsider, "lean") == set()
    assert bodies(author, "lean") == {"Board notes"}
