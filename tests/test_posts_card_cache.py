"""Post cards drawn once and cached for all their readers (posts.card_cache): the
reader's parts (menu, quote, like, reply) stay outside; any change to what a card
shows makes a new key; the cache is read only for the posts the access core selected
for this reader, so whoever loses access never receives a cached card."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import memberships
from communities import services as community_services
from communities.models import Community, Membership
from posts import card_cache, selectors, services
from posts.models import Post
from profiles.models import Follow, User

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def club():
    """A closed community: its manager wrote a post that two members read."""
    author = UserFactory(first_name="Alice")
    community = CommunityFactory(
        access=Community.Access.CLOSED, name="Closed club", created_by=author
    )
    MembershipFactory(community=community, role=Membership.Role.MANAGER, user=author)
    first = MembershipFactory(community=community, user__first_name="Bruno").user
    second = MembershipFactory(community=community, user__first_name="Chloé").user
    post = services.post_create(
        actor=author, community=community, body="CLUB NEWS for members", tags="club"
    )
    services.comment_create(actor=first, post=post, body="COMMENT IN CLUB")
    for reader in (first, second):
        Follow.objects.create(follower=reader, followed=author)
    return community, author, first, second, post


def _get(client, user, url="/"):
    client.force_login(user)
    return client.get(url)


def _page(client, user, url="/") -> str:
    response = _get(client, user, url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_card_is_drawn_once_then_served_from_the_cache_to_every_reader(client, club):
    community, author, first, second, post = club
    assert "CLUB NEWS" in _page(client, first)
    # Changed behind the cache's back (the text itself is the same): still the cached card.
    Post.objects.filter(pk=post.pk).update(body_html="<p>CHANGED BEHIND</p>")
    for reader in (first, second):
        for url in ("/", f"/communities/{community.slug}/"):
            page = _page(client, reader, url)
            assert "CLUB NEWS" in page and "CHANGED BEHIND" not in page
    cache.clear()
    assert "CHANGED BEHIND" in _page(client, second)


@pytest.mark.parametrize(
    "loss", ["left", "banned", "removed", "community closed", "community hidden"]
)
def test_a_reader_who_loses_access_never_receives_the_cached_card(client, club, loss):
    community, author, first, second, post = club
    if loss.startswith("community"):  # a free community: read by employees who are no member
        community_services.community_update(
            actor=author, community=community, data={"access": Community.Access.FREE}
        )
        Membership.objects.filter(user=second).delete()
    urls = ["/", f"/communities/{community.slug}/", "/tags/club/", f"/people/{author.username}/"]
    for url in urls:  # both readers warm the cache
        assert "CLUB NEWS" in _page(client, first, url), url
        assert "CLUB NEWS" in _page(client, second, url), url
    assert _get(client, second, post.get_absolute_url()).status_code == 200
    membership = Membership.objects.filter(user=second, community=community).first()
    if loss == "left":
        memberships.membership_leave(actor=second, community=community)
    elif loss == "banned":
        memberships.membership_ban(actor=author, membership=membership)
    elif loss == "removed":
        memberships.membership_remove(actor=author, membership=membership)
    elif loss == "community closed":
        community_services.community_update(
            actor=author, community=community, data={"access": Community.Access.CLOSED}
        )
    else:
        community_services.community_update(
            actor=author,
            community=community,
            data={"access": Community.Access.CLOSED, "visibility": Community.Visibility.HIDDEN},
        )
    second = User.objects.get(pk=second.pk)
    for url in urls:
        response = _get(client, second, url)
        assert "CLUB NEWS" not in response.content.decode(), url
        assert "COMMENT IN CLUB" not in response.content.decode(), url
    assert _get(client, second, post.get_absolute_url()).status_code == 404
    # The cache still holds the card, for those who may read it.
    assert "CLUB NEWS" in _page(client, first)


def test_the_readers_parts_stay_outside_the_cached_card(client, club):
    community, author, first, second, post = club
    services.like_toggle(actor=first, post=post)
    page = _page(client, first)  # drawn and cached here
    assert 'aria-pressed="true"' in page
    assert f'/posts/{post.pk}/edit/"' not in page and "/moderation/report/post/" in page
    page = _page(client, second)
    assert 'aria-pressed="false"' in page and "/moderation/report/post/" in page
    assert f'/posts/{post.pk}/edit/"' not in page
    page = _page(client, author)
    assert f'/posts/{post.pk}/edit/"' in page and f'/posts/{post.pk}/delete/"' in page
    assert "/moderation/report/post/" not in page
    assert page.count('name="csrfmiddlewaretoken"') >= 1  # the reply form, for the author


def test_the_cached_part_holds_nothing_of_a_reader(club):
    community, author, first, second, post = club
    [card] = selectors.stream_page(Post.objects.filter(pk=post.pk), first).posts
    shared = card_cache.draw_shared(card)
    assert shared.count(card_cache.SLOT) == card_cache.SLOTS
    assert "CLUB NEWS" in shared and "COMMENT IN CLUB" in shared
    for reader_part in ("csrfmiddlewaretoken", "/edit/", "/delete/", "/moderation/report/"):
        assert reader_part not in shared
    assert "aria-pressed" not in shared and "inline-reply" not in shared


def test_the_stitched_card_is_the_card_drawn_whole(client, club, settings):
    community, author, first, second, post = club
    for url in ("/", f"/communities/{community.slug}/"):
        settings.RSE_CARD_CACHE_SECONDS = 0
        whole = CSRF.sub("", _page(client, first, url))
        settings.RSE_CARD_CACHE_SECONDS = 3600
        drawn = CSRF.sub("", _page(client, first, url))  # drawn, cached
        cached = CSRF.sub("", _page(client, first, url))  # from the cache
        assert whole == drawn == cached, url


def test_whatever_the_card_shows_changes_its_key(client, club):
    community, author, first, second, post = club
    assert "CLUB NEWS" in _page(client, first)
    services.post_edit(actor=author, post=post, body="CLUB NEWS, edited")
    assert "CLUB NEWS, edited" in _page(client, first)
    services.comment_create(actor=second, post=post, body="A second comment")
    page = _page(client, first)
    assert "A second comment" in page and "2 comments" in page
    services.like_toggle(actor=second, post=post)
    assert "<span data-like-count>1</span>" in _page(client, first)
    User.objects.filter(pk=author.pk).update(first_name="Alicia")
    assert "Alicia" in _page(client, first)
    Community.objects.filter(pk=community.pk).update(name="Renamed club")
    assert "Renamed club" in _page(client, first)
    english = _page(client, first)
    client.force_login(first)
    french = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'aria-label="Tags"' in english and "2 comments" in english
    assert 'aria-label="Mots-clés"' in french and "2 commentaires" in french
    assert 'aria-label="Tags"' in _page(client, first)  # each language its own card


def test_a_cached_page_takes_no_more_queries_than_a_drawn_one(client, club):
    community, author, first, second, post = club
    for n in range(5):
        services.post_create(actor=author, community=community, body=f"More news {n}")
    client.force_login(first)
    with CaptureQueriesContext(connection) as drawn:
        client.get(f"/communities/{community.slug}/")
    with CaptureQueriesContext(connection) as cached:
        client.get(f"/communities/{community.slug}/")
    assert len(cached.captured_queries) <= len(drawn.captured_queries)


def test_without_the_cache_cards_are_drawn_whole(client, club, settings):
    settings.RSE_CARD_CACHE_SECONDS = 0
    community, author, first, second, post = club
    page = _page(client, first)
    assert "CLUB NEWS" in page and card_cache.SLOT not in page
    other = UserFactory()
    assert "CLUB NEWS" not in _page(client, other)
