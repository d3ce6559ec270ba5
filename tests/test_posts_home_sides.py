"""The sides of the home page on a desktop: my communities on one side; people to
follow, tags of the stream and communities I could join on the other — all through the
access rules (never a hidden community I may not discover), within the pinned number
of queries."""

import pytest
from django.contrib.auth.models import Group

from communities.models import Community, Membership

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db


def sides(page: str) -> str:
    return page[page.index('class="home-side home-left"') :]


def test_my_communities_and_the_suggestions(client, employee):
    mine = CommunityFactory(name="Lean guild", access=Community.Access.OPEN)
    MembershipFactory(community=mine, user=employee)
    secret_mine = CommunityFactory(
        name="Board", access=Community.Access.CLOSED, visibility=Community.Visibility.HIDDEN
    )
    MembershipFactory(community=secret_mine, user=employee)
    left = CommunityFactory(name="Old club")
    MembershipFactory(community=left, user=employee, status=Membership.Status.LEFT)
    CommunityFactory(name="Runners", access=Community.Access.FREE)
    hidden = CommunityFactory(
        name="Secret committee",
        access=Community.Access.OPEN,
        visibility=Community.Visibility.HIDDEN,
    )
    hidden.audience.add(Group.objects.create(name="Directors"))
    colleague = UserFactory(first_name="Nina", last_name="Durand", job_title="Buyer")
    PostFactory(community=mine, author=colleague, tags=["lean", "kaizen"])
    PostFactory(community=mine, author=colleague, tags=["lean"])
    client.force_login(employee)

    page = sides(client.get("/").content.decode())

    left_side = page[: page.index("home-right")]
    assert "Lean guild" in left_side and "Board" in left_side
    assert "Old club" not in left_side and "Runners" not in left_side
    assert "Runners" in page  # a community I could join
    assert "Secret committee" not in page
    assert "Nina Durand" in page and "Buyer" in page
    assert page.index("#lean") < page.index("#kaizen")  # the most carried first


def test_the_sides_are_not_read_on_later_pages(client, employee, settings):
    settings.RSE_STREAM_PAGE_SIZE = 2
    guild = CommunityFactory(access=Community.Access.OPEN)
    MembershipFactory(community=guild, user=employee)
    for _ in range(3):
        PostFactory(community=guild)
    client.force_login(employee)
    first = client.get("/")
    assert "home-side" in first.content.decode()
    later = client.get(f"/?{first.context['more_query']}")
    assert "home-side" not in later.content.decode()


def test_an_external_sees_only_their_communities(client, external):
    theirs = CommunityFactory(name="Partner room", access=Community.Access.CLOSED)
    MembershipFactory(community=theirs, user=external)
    CommunityFactory(name="Everyone's square", access=Community.Access.FREE)
    client.force_login(external)
    page = sides(client.get("/").content.decode())
    assert "Partner room" in page
    assert "Everyone's square" not in page and "People you could follow" not in page
