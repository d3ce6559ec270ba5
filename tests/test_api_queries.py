"""Every list endpoint of the API reads a fixed number of SQL queries, whatever the
number of rows (posts, comments, likes, tags, members, notifications): measured with
few rows then many, and pinned under a ceiling."""

import pytest
from django.contrib.auth.models import Group
from taggit.models import Tag

from communities.models import Community, Membership
from notifications.services import notify
from posts.models import Attachment, CommunityFollow, Like, TagFollow
from profiles.models import Follow

from .api_helpers import api_as
from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory, UserSkillFactory
from .posts_factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

# The ceiling for one call: authentication, throttles, the viewer's facts and the page.
LIMIT = 16


@pytest.fixture
def scene():
    reader = UserFactory(first_name="Reader")
    community = CommunityFactory(access=Community.Access.OPEN, slug="guild", name="Guild")
    MembershipFactory(community=community, user=reader, role=Membership.Role.MANAGER)
    free = CommunityFactory(access=Community.Access.FREE)
    CommunityFollow.objects.create(user=reader, community=free)
    tag = Tag.objects.create(name="lean", slug="lean")
    TagFollow.objects.create(user=reader, tag=tag)
    return {"reader": reader, "community": community, "free": free, "post": None}


def _grow(scene, count: int) -> None:
    reader, community = scene["reader"], scene["community"]
    for i in range(count):
        author = UserFactory(first_name="Quokka")
        UserSkillFactory(user=author)
        MembershipFactory(community=community, user=author)
        MembershipFactory(
            community=community, user=UserFactory(), status=Membership.Status.REQUESTED
        )
        Follow.objects.create(follower=reader, followed=author)
        where = community if i % 2 else scene["free"]
        post = PostFactory(
            community=where, author=author, body=f"Quokka news {i}", tags=["lean", f"t{i}"]
        )
        Attachment.objects.create(
            post=post,
            file=f"attachments/x{i}.pdf",
            original_name=f"x{i}.pdf",
            content_type="application/pdf",
            size=10,
            kind="document",
        )
        scene["post"] = scene["post"] or post
        for _ in range(2):
            CommentFactory(post=scene["post"], author=author)
            Like.objects.create(user=UserFactory(), post=post)
        Like.objects.create(user=reader, post=post)
        notify(recipient=reader, kind="commented", actor=author, post=post)
        notify(recipient=reader, kind="followed", actor=author)
        CommunityFactory(name=f"Quokka club {i}", access=Community.Access.FREE)


ENDPOINTS = {
    "stream": "/api/v1/stream/",
    "community posts": "/api/v1/communities/guild/posts/",
    "tag posts": "/api/v1/tags/lean/posts/",
    "communities": "/api/v1/communities/",
    "members": "/api/v1/communities/guild/members/",
    "pending": "/api/v1/communities/guild/pending/",
    "people": "/api/v1/people/",
    "people by skill": "/api/v1/people/?skill=skill",
    "notifications": "/api/v1/notifications/",
    "comments": "/api/v1/posts/{post}/comments/",
    "search": "/api/v1/search/?q=quokka",
    "search posts": "/api/v1/search/posts/?q=quokka",
    "search people": "/api/v1/search/people/?q=quokka",
    "search communities": "/api/v1/search/communities/?q=quokka",
    "search tags": "/api/v1/search/tags/?q=lean",
}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_list_endpoints_queries_do_not_grow(scene, django_assert_max_num_queries, name):
    Group.objects.get_or_create(name="unused")  # content types cached below, once
    api = api_as(scene["reader"])
    _grow(scene, 2)
    url = ENDPOINTS[name].format(post=scene["post"].pk)
    api.get(url)  # fills Django's content-type cache, once per process
    with django_assert_max_num_queries(LIMIT) as small:
        assert api.get(url).status_code == 200
    _grow(scene, 25)
    with django_assert_max_num_queries(LIMIT) as large:
        response = api.get(url)
    assert response.status_code == 200
    body = response.json()
    rows = body if isinstance(body, list) else body.get("results", body.get("sections"))
    assert len(rows) >= (1 if name == "search tags" else 3)
    assert len(large.captured_queries) <= len(small.captured_queries)
