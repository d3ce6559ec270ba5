"""Atom feeds (/feeds/<token>/…): my home stream, a community's and a tag's posts, read
as the feed token's owner — the same rules as the pages; a revoked key, a closed
account and what the owner may not read answer 404."""

import xml.etree.ElementTree as ET

import pytest

from audit.models import AuditEntry
from communities.models import Community
from posts.models import CommunityFollow

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world():
    reader = UserFactory()
    free = CommunityFactory(slug="news", access=Community.Access.FREE)
    secret = CommunityFactory(slug="board", access=Community.Access.CLOSED, visibility="hidden")
    CommunityFollow.objects.create(user=reader, community=free)
    public = PostFactory(community=free, body="PUBLIC news", tags=["lean"])
    hidden = PostFactory(community=secret, body="SECRET plans", tags=["lean", "only-board"])
    return {"reader": reader, "free": free, "secret": secret, "public": public, "hidden": hidden}


def _feed_address(client, person) -> str:
    client.force_login(person)
    response = client.post("/me/api-tokens/feed/", {"action": "reset"})
    assert response.status_code == 200
    raw = response.context["feed_created"]
    assert raw.startswith("rse_feed_") and raw in response.content.decode()
    client.logout()
    return f"/feeds/{raw}"


def _titles(response) -> list[str]:
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the app's own answer, in a test
    return [entry.find(f"{ATOM}summary").text for entry in root.iter(f"{ATOM}entry")]


def test_the_feeds_show_what_the_owner_may_read_and_nothing_else(client, world):
    base = _feed_address(client, world["reader"])
    home = client.get(f"{base}/home/")
    assert home.status_code == 200
    assert any("PUBLIC news" in t for t in _titles(home))
    assert b"SECRET" not in home.content
    tag = client.get(f"{base}/tags/lean/")
    assert any("PUBLIC news" in t for t in _titles(tag)) and b"SECRET" not in tag.content
    assert client.get(f"{base}/communities/news/").status_code == 200
    assert client.get(f"{base}/communities/board/").status_code == 404
    assert client.get(f"{base}/tags/only-board/").status_code == 404
    assert AuditEntry.objects.filter(action="api.feed_token_created").exists()


def test_a_member_of_the_hidden_community_reads_its_feed(client, world):
    member = MembershipFactory(community=world["secret"]).user
    base = _feed_address(client, member)
    assert any("SECRET plans" in t for t in _titles(client.get(f"{base}/communities/board/")))


def test_a_new_address_stops_the_former_and_revoking_stops_all(client, world):
    first = _feed_address(client, world["reader"])
    second = _feed_address(client, world["reader"])
    assert client.get(f"{first}/home/").status_code == 404
    assert client.get(f"{second}/home/").status_code == 200
    client.force_login(world["reader"])
    assert client.post("/me/api-tokens/feed/", {"action": "revoke"}).status_code == 302
    client.logout()
    assert client.get(f"{second}/home/").status_code == 404
    assert AuditEntry.objects.filter(action="api.feed_token_revoked").exists()


def test_a_closed_account_s_feeds_stop(client, world):
    base = _feed_address(client, world["reader"])
    world["reader"].is_active = False
    world["reader"].save(update_fields=["is_active"])
    assert client.get(f"{base}/home/").status_code == 404


def test_an_unknown_key_is_404(client, world):
    assert client.get("/feeds/rse_feed_nope/home/").status_code == 404
    assert client.get("/feeds/whatever/home/").status_code == 404


def test_a_feed_s_queries_do_not_grow(client, world, django_assert_max_num_queries):
    base = _feed_address(client, world["reader"])
    client.get(f"{base}/home/")
    with django_assert_max_num_queries(12) as small:
        client.get(f"{base}/home/")
    for i in range(30):
        PostFactory(community=world["free"], tags=["lean", f"t{i}"])
    with django_assert_max_num_queries(12) as large:
        response = client.get(f"{base}/home/")
    assert len(_titles(response)) == 20
    assert len(large.captured_queries) <= len(small.captured_queries)
