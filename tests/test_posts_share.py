"""Sharing a post into a community: a new post quoting the original and linking to
it. The quote is rendered only for those who may read the original (through the
reading rule), so a share never exposes it: not its text, author, community or tags.
Only communities one may post in are offered; anything else is refused, and nothing is
written."""

import pytest

from communities.models import Community
from posts import services
from posts.models import Post, Status

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(employee):
    secret = CommunityFactory(
        access=Community.Access.CLOSED, visibility=Community.Visibility.HIDDEN, name="Board room"
    )
    MembershipFactory(community=secret, user=employee)
    town = CommunityFactory(access=Community.Access.FREE, name="Town square")
    original = PostFactory(community=secret, body="Quarterly figures: confidential draft")
    original.tags.add("figures")
    return {"secret": secret, "town": town, "original": original}


def test_a_reader_shares_a_post_into_a_community(client, employee, world):
    client.force_login(employee)
    page = client.get(f"/posts/{world['original'].pk}/share/").content.decode()
    assert "Quarterly figures" in page
    assert f'value="{world["town"].slug}"' in page and f'value="{world["secret"].slug}"' in page

    response = client.post(
        f"/posts/{world['original'].pk}/share/",
        {"community": world["town"].slug, "body": "Worth reading"},
    )

    shared = Post.objects.get(shared=world["original"])
    assert response.status_code == 302 and response["Location"] == f"/posts/{shared.pk}/"
    assert shared.community == world["town"] and shared.author == employee
    card = client.get(f"/communities/{world['town'].slug}/").content.decode()
    assert "Worth reading" in card and "Quarterly figures" in card
    assert f'href="/posts/{world["original"].pk}/"' in card


def test_the_quote_is_hidden_from_those_who_may_not_read_the_original(client, employee, world):
    shared = services.post_share(
        actor=employee, original=world["original"], community=world["town"], body="Look"
    )
    outsider = UserFactory()
    client.force_login(outsider)

    for url in (f"/communities/{world['town'].slug}/", f"/posts/{shared.pk}/", "/"):
        page = client.get(url).content.decode()
        assert "Quarterly figures" not in page
        assert "Board room" not in page and "figures" not in page
        if url != "/":  # home suggests people to follow: the author may be one of them
            assert world["original"].author.get_full_name() not in page
        assert f"/posts/{world['original'].pk}/" not in page
    assert (
        "The shared post is not available to you."
        in client.get(f"/posts/{shared.pk}/").content.decode()
    )


def test_a_profile_post_shared_into_a_community_is_quoted_to_employees_only(
    client, employee, external, world
):
    """A post on a person's profile (no community) is never shown to externals, even
    quoted by a share in a community they belong to."""
    MembershipFactory(community=world["town"], user=external)
    original = PostFactory(community=None, body="Canteen menu for the whole staff")
    shared = PostFactory(community=world["town"], shared=original, body="Good news")

    for who, quoted in ((employee, True), (external, False)):
        client.force_login(who)
        for url in (f"/communities/{world['town'].slug}/", f"/posts/{shared.pk}/"):
            page = client.get(url).content.decode()
            assert "Good news" in page, (who, url)
            assert ("Canteen menu" in page) is quoted, (who, url)
            assert ("The shared post is not available to you." in page) is not quoted


def test_a_deleted_original_is_no_longer_quoted(client, employee, world):
    shared = services.post_share(
        actor=employee, original=world["original"], community=world["town"]
    )
    Post.objects.filter(pk=world["original"].pk).update(status=Status.DELETED)
    client.force_login(employee)
    page = client.get(f"/posts/{shared.pk}/").content.decode()
    assert "Quarterly figures" not in page and "not available to you" in page


def test_one_may_not_share_what_one_may_not_read(client, world):
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(f"/posts/{world['original'].pk}/share/").status_code == 404
    response = client.post(
        f"/posts/{world['original'].pk}/share/", {"community": world["town"].slug}
    )
    assert response.status_code == 404
    assert not Post.objects.filter(shared__isnull=False).exists()


@pytest.mark.parametrize("where", ["closed elsewhere", "archived", "no such"])
def test_only_communities_one_may_post_in_are_accepted(client, employee, world, where):
    target = {
        "closed elsewhere": lambda: CommunityFactory(access=Community.Access.CLOSED).slug,
        "archived": lambda: (
            CommunityFactory(access=Community.Access.FREE, state=Community.State.ARCHIVED).slug
        ),
        "no such": lambda: "no-such-community",
    }[where]()
    client.force_login(employee)
    assert (
        f'value="{target}"'
        not in client.get(f"/posts/{world['original'].pk}/share/").content.decode()
    )

    response = client.post(
        f"/posts/{world['original'].pk}/share/", {"community": target, "body": "Hi"}
    )

    assert response.status_code == 400
    assert "Choose one of the communities offered." in response.content.decode()
    assert not Post.objects.filter(shared__isnull=False).exists()


def test_a_missing_community_and_a_long_text_are_refused(client, employee, world, settings):
    settings.RSE_POST_MAX_CHARS = 20
    client.force_login(employee)
    url = f"/posts/{world['original'].pk}/share/"
    missing = client.post(url, {"body": "x"})
    assert missing.status_code == 400
    assert "Choose the community to share this post in." in missing.content.decode()
    long = client.post(url, {"community": world["town"].slug, "body": "y" * 30})
    assert long.status_code == 400 and "too long" in long.content.decode()
    assert "y" * 30 in long.content.decode()  # what was typed is kept
    assert not Post.objects.filter(shared__isnull=False).exists()


def test_without_the_charter_nothing_is_offered(client, world):
    newcomer = UserFactory(accepted_charter=False)
    MembershipFactory(community=world["secret"], user=newcomer)
    client.force_login(newcomer)
    page = client.get(f"/posts/{world['original'].pk}/share/").content.decode()
    assert "There is no community you may post in yet." in page


def test_the_stream_with_shares_keeps_its_query_count(
    client, employee, world, django_assert_max_num_queries
):
    client.force_login(employee)
    MembershipFactory(community=world["town"], user=employee)
    services.post_share(actor=employee, original=world["original"], community=world["town"])
    client.get("/")
    with django_assert_max_num_queries(16) as small:
        client.get("/")
    for _ in range(10):
        original = PostFactory(community=world["secret"])
        services.post_share(actor=employee, original=original, community=world["town"])
    with django_assert_max_num_queries(16) as large:
        client.get("/")
    assert len(large.captured_queries) <= len(small.captured_queries)
