"""The "N new posts — show" banner of the home and community streams: the poll costs
one query (beyond the session and the user), answers 304 while nothing changed, and
counts only posts of that stream the viewer may read — a hidden or closed community
counts 0, exactly like one that does not exist."""

import pytest

from communities.models import Community
from posts.models import TagFollow
from profiles.models import Follow

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db

URL = "/posts/fresh/"


@pytest.fixture
def lounge(employee):
    community = CommunityFactory(access=Community.Access.OPEN)
    MembershipFactory(community=community, user=employee)
    return community


def test_the_home_banner_counts_new_posts_in_one_query_then_304(
    client, employee, lounge, django_assert_max_num_queries
):
    shown = PostFactory(community=lounge)
    client.force_login(employee)
    client.get(URL, {"after": shown.pk})
    with django_assert_max_num_queries(3):  # session, user, the count
        response = client.get(URL, {"after": shown.pk})
    assert response.json() == {"count": 0, "label": "", "text": ""}
    assert (
        client.get(URL, {"after": shown.pk}, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    )

    PostFactory(community=lounge)
    PostFactory(community=lounge)
    with django_assert_max_num_queries(3):
        changed = client.get(URL, {"after": shown.pk}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200
    assert changed.json() == {"count": 2, "label": "2", "text": "2 new posts — show"}


def test_the_home_banner_counts_what_the_home_stream_holds(client, employee, lounge):
    shown = PostFactory(community=lounge)
    free = CommunityFactory(access=Community.Access.FREE)
    followed_person = UserFactory()
    Follow.objects.create(follower=employee, followed=followed_person)
    tagged = PostFactory(community=free, body="About lean")
    tagged.tags.add("lean")
    client.force_login(employee)
    counted = lambda **q: client.get(URL, {"after": shown.pk, **q}).json()["count"]  # noqa: E731

    PostFactory(community=lounge)  # my community: in
    PostFactory(community=free)  # a community I neither joined nor followed: out
    PostFactory(community=None, author=followed_person)  # someone I follow: in
    PostFactory(community=lounge, author=employee)  # my own: not news to me
    assert counted() == 2
    assert counted(filter="people") == 1
    assert counted(filter="tags") == 0
    from taggit.models import Tag

    TagFollow.objects.create(user=employee, tag=Tag.objects.get(name="lean"))
    assert counted(filter="tags") == 1
    assert counted() == 3


def test_a_community_banner_counts_that_community_only(client, employee, lounge):
    shown = PostFactory(community=lounge)
    PostFactory(community=lounge)
    PostFactory(community=CommunityFactory(access=Community.Access.FREE))
    client.force_login(employee)

    response = client.get(URL, {"after": shown.pk, "community": lounge.slug})

    assert response.json()["count"] == 1
    assert response.json()["text"] == "1 new post — show"
    french = client.get(
        URL, {"after": shown.pk, "community": lounge.slug}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert french.json()["text"] == "1 nouvelle publication — afficher"


@pytest.mark.parametrize(
    "kind",
    [
        {"access": Community.Access.CLOSED},
        {"access": Community.Access.OPEN, "visibility": Community.Visibility.HIDDEN},
    ],
)
def test_a_community_one_may_not_read_counts_like_one_that_does_not_exist(client, employee, kind):
    if kind.get("visibility") == Community.Visibility.HIDDEN:
        from django.contrib.auth.models import Group

        other = CommunityFactory(**kind)
        other.audience.add(Group.objects.create(name="Board"))
    else:
        other = CommunityFactory(**kind)
    before = PostFactory(community=None)
    PostFactory(community=other)
    client.force_login(employee)

    secret = client.get(URL, {"after": before.pk, "community": other.slug})
    missing = client.get(URL, {"after": before.pk, "community": "no-such-community"})

    assert secret.status_code == missing.status_code == 200
    assert secret.json() == missing.json() == {"count": 0, "label": "", "text": ""}
    assert secret["ETag"] == missing["ETag"]


def test_bad_input_is_refused_clearly(client, employee):
    client.force_login(employee)
    for params in [
        {"after": ""},
        {"after": "abc"},
        {"after": "-1"},
        {"after": "9" * 40},
        {"after": "1", "since": "yesterday"},
        {"after": "1", "since": "1e300"},
    ]:
        response = client.get(URL, params)
        assert response.status_code == 400
        assert "newest post shown" in response.content.decode()


def test_a_post_dated_back_is_not_new(client, employee, lounge):
    """Imports and the demo date posts back: a higher id published earlier than the
    newest post shown is not news."""
    from datetime import timedelta

    from django.utils import timezone

    shown = PostFactory(community=lounge)
    PostFactory(community=lounge, created_at=timezone.now() - timedelta(days=3))
    client.force_login(employee)
    since = f"{shown.created_at.timestamp():.6f}"
    assert client.get(URL, {"after": shown.pk}).json()["count"] == 1
    assert client.get(URL, {"after": shown.pk, "since": since}).json()["count"] == 0
    PostFactory(community=lounge)
    assert client.get(URL, {"after": shown.pk, "since": since}).json()["count"] == 1


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get(URL, {"after": 1}).status_code == 302


def test_the_streams_carry_the_banner_with_the_newest_post_shown(client, employee, lounge):
    older = PostFactory(community=lounge)
    newest = PostFactory(community=lounge)
    client.force_login(employee)

    home = client.get("/").content.decode()
    community = client.get(f"/communities/{lounge.slug}/").content.decode()

    assert f'data-fresh-url="/posts/fresh/?after={newest.pk}&amp;since=' in home
    assert f"/posts/fresh/?after={newest.pk}&amp;since=" in community
    assert f"&amp;community={lounge.slug}" in community
    assert older.pk < newest.pk
    # Not on a later page of the stream, nor on a profile.
    profile = client.get(f"/people/{employee.username}/").content.decode()
    assert "data-fresh-url" not in profile
