"""Keyset pagination of streams: no duplicates nor gaps across pages, the next page
through the opaque cursor, a bad cursor falls back to the first page."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from communities.models import Community
from posts.selectors import decode_cursor, encode_cursor

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stream():
    reader = UserFactory()
    community = CommunityFactory(access=Community.Access.CLOSED)
    MembershipFactory(community=community, user=reader)
    now = timezone.now()
    posts = []
    for i in range(12):
        # Several posts share a timestamp: the id breaks the tie.
        posts.append(PostFactory(community=community, created_at=now - timedelta(minutes=i // 3)))
    expected = sorted(posts, key=lambda p: (p.created_at, p.pk), reverse=True)
    return reader, community, expected


def _walk(client, url: str) -> list[int]:
    seen: list[int] = []
    cursor = ""
    for _ in range(10):
        response = client.get(url, {"cursor": cursor} if cursor else {})
        page = response.context["page"]
        seen += [p.pk for p in page.posts]
        if not page.next_cursor:
            return seen
        assert f"cursor={page.next_cursor}" in response.content.decode()
        cursor = page.next_cursor
    raise AssertionError("too many pages")


@override_settings(RSE_STREAM_PAGE_SIZE=5)
@pytest.mark.parametrize("where", ["home", "community"])
def test_pages_follow_each_other_without_duplicates_or_gaps(client, stream, where):
    reader, community, expected = stream
    client.force_login(reader)
    url = "/" if where == "home" else f"/communities/{community.slug}/"
    assert _walk(client, url) == [p.pk for p in expected]


@override_settings(RSE_STREAM_PAGE_SIZE=5)
def test_the_next_page_alone_is_served_to_scripts(client, stream):
    reader, _community, expected = stream
    client.force_login(reader)
    first = client.get("/").context["page"]
    response = client.get("/", {"cursor": first.next_cursor}, HTTP_X_REQUESTED_WITH="fetch")
    html = response.content.decode()
    assert "<html" not in html and 'rel="next"' in html
    assert [p.pk for p in response.context["page"].posts] == [p.pk for p in expected[5:10]]


@pytest.mark.parametrize(
    "cursor", ["garbage", "Zm9vfGJhcg", "", "%%%", "MjAyNi0wMS0wMXwx", "x" * 500]
)
def test_a_bad_cursor_gives_the_first_page(client, stream, cursor):
    reader, _community, expected = stream
    client.force_login(reader)
    response = client.get("/", {"cursor": cursor})
    assert response.status_code == 200
    assert response.context["page"].posts[0].pk == expected[0].pk


def test_cursors_round_trip(stream):
    _reader, _community, expected = stream
    post = expected[3]
    assert decode_cursor(encode_cursor(post)) == (post.created_at, post.pk)
