"""The post page and the tag page answer 404 / stay silent for what may not be read."""

import pytest

from communities.models import Community

from .communities_factories import CommunityFactory
from .factories import UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db


def test_a_readable_post_shows_with_its_sanitized_body(client):
    reader = UserFactory()
    post = PostFactory(community=None, body="**bold** <script>alert(1)</script>")
    client.force_login(reader)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert b"<strong>bold</strong>" in response.content
    assert b"<script>alert" not in response.content


def test_a_post_of_a_closed_community_is_404_to_outsiders(client):
    post = PostFactory(community=CommunityFactory(access=Community.Access.CLOSED))
    client.force_login(UserFactory())
    assert client.get(post.get_absolute_url()).status_code == 404


def test_a_tag_page_lists_only_readable_posts(client):
    shown = PostFactory(community=None, body="Open news", tags=["news"])
    PostFactory(
        community=CommunityFactory(access=Community.Access.CLOSED),
        body="Secret news",
        tags=["news"],
    )
    client.force_login(UserFactory())
    response = client.get("/tags/news/")
    assert response.status_code == 200
    assert response.context["page"].posts == [shown]
    assert b"Secret news" not in response.content
