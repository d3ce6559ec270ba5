"""Who may post, comment and like (DESIGN §3, rule 4): role × community kind.

Expected outcomes are written by hand from the rules. Every cell is exercised through
HTTP, and the database tells whether the contribution happened."""

from datetime import timedelta

import pytest
from django.utils import timezone

from access.posts import can_contribute
from communities.models import Community, Membership
from moderation.models import Sanction
from posts.models import Comment, Like, Post

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db

KINDS = {
    "free": {"access": Community.Access.FREE},
    "open": {"access": Community.Access.OPEN},
    "closed": {"access": Community.Access.CLOSED},
    "hidden": {"access": Community.Access.CLOSED, "visibility": Community.Visibility.HIDDEN},
    "archived": {"access": Community.Access.OPEN, "state": Community.State.ARCHIVED},
    "profile": None,
}
ROLES = [
    "employee",
    "member",
    "banned",
    "external_member",
    "external",
    "no_charter",
    "muted",
    "manager",
    "moderator",
    "superuser",
]
T, F = True, False
# kind: role → may contribute
EXPECTED = {
    "free": {
        "employee": T,
        "member": T,
        "banned": F,
        "external_member": T,
        "external": F,
        "no_charter": F,
        "muted": F,
        "manager": T,
        "moderator": T,
        "superuser": T,
    },
    "open": {
        "employee": F,
        "member": T,
        "banned": F,
        "external_member": T,
        "external": F,
        "no_charter": F,
        "muted": F,
        "manager": T,
        "moderator": T,
        "superuser": T,
    },
    "closed": {
        "employee": F,
        "member": T,
        "banned": F,
        "external_member": T,
        "external": F,
        "no_charter": F,
        "muted": F,
        "manager": T,
        "moderator": T,
        "superuser": T,
    },
    "hidden": {
        "employee": F,
        "member": T,
        "banned": F,
        "external_member": T,
        "external": F,
        "no_charter": F,
        "muted": F,
        "manager": T,
        "moderator": T,
        "superuser": T,
    },
    "archived": {
        "employee": F,
        "member": F,
        "banned": F,
        "external_member": F,
        "external": F,
        "no_charter": F,
        "muted": F,
        "manager": F,
        "moderator": F,
        "superuser": F,
    },
    "profile": {
        "employee": T,
        "member": T,
        "banned": T,
        "external_member": F,
        "external": F,
        "no_charter": F,
        "muted": F,
        "manager": T,
        "moderator": T,
        "superuser": T,
    },
}


def _person(role: str, community: Community | None):
    if role in {"external", "external_member"}:
        user = ExternalFactory()
    else:
        user = UserFactory(accepted_charter=role != "no_charter", is_superuser=role == "superuser")
    if community is not None and role in {"member", "external_member", "no_charter", "muted"}:
        MembershipFactory(community=community, user=user)
    if community is not None and role in {"manager", "moderator"}:
        MembershipFactory(community=community, user=user, role=Membership.Role(role))
    if role == "muted":  # site-wide: no contribution anywhere, profiles included
        Sanction.objects.create(
            user=user, kind=Sanction.Kind.MUTE, ends_at=timezone.now() + timedelta(days=3)
        )
    if community is not None and role == "banned":
        MembershipFactory(community=community, user=user, status=Membership.Status.BANNED)
    return user


def _community(kind: str) -> Community | None:
    options = KINDS[kind]
    return None if options is None else CommunityFactory(**options)


CELLS = [(kind, role) for kind in KINDS for role in ROLES]


@pytest.mark.parametrize(("kind", "role"), CELLS)
def test_permission(kind, role):
    community = _community(kind)
    assert can_contribute(_person(role, community), community) is EXPECTED[kind][role]


@pytest.mark.parametrize(("kind", "role"), CELLS)
def test_posting(client, kind, role):
    community = _community(kind)
    user = _person(role, community)
    client.force_login(user)
    data = {"body": "Hello", "tags": "x"}
    if community is not None:
        data["community"] = community.slug
    response = client.post("/posts/new/", data)
    assert response.status_code != 500
    assert Post.objects.filter(author=user).exists() is EXPECTED[kind][role]


@pytest.mark.parametrize(("kind", "role"), CELLS)
def test_commenting_and_liking(client, kind, role):
    community = _community(kind)
    author = UserFactory()
    post = PostFactory(community=community, author=author)
    user = _person(role, community)
    client.force_login(user)
    client.post(f"/posts/{post.pk}/comments/", {"body": "Nice"})
    client.post(f"/posts/{post.pk}/like/", {"liked": "1"})
    allowed = EXPECTED[kind][role]
    assert Comment.objects.filter(author=user).exists() is allowed
    assert Like.objects.filter(user=user).exists() is allowed
    post.refresh_from_db()
    assert (post.likes_count, post.comments_count) == ((1, 1) if allowed else (0, 0))
