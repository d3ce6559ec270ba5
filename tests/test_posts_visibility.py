"""Who may read which post: the selector every stream, page and notification uses."""

import pytest

from access.posts import posts_readable_by
from communities.models import Community, Membership
from notifications.models import Kind
from notifications.services import notify

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db

A = Community.Access
V = Community.Visibility


@pytest.mark.parametrize(
    ("access", "visibility", "member", "readable"),
    [
        (A.FREE, V.VISIBLE, False, True),
        (A.OPEN, V.VISIBLE, False, False),
        (A.OPEN, V.VISIBLE, True, True),
        (A.CLOSED, V.VISIBLE, False, False),
        (A.CLOSED, V.HIDDEN, False, False),
        (A.CLOSED, V.HIDDEN, True, True),
    ],
)
def test_an_employee_reads_posts_of_the_communities_they_may_read(
    access, visibility, member, readable
):
    reader = UserFactory()
    community = CommunityFactory(access=access, visibility=visibility)
    if member:
        MembershipFactory(community=community, user=reader)
    post = PostFactory(community=community)
    assert (post in posts_readable_by(reader)) is readable


def test_profile_posts_are_for_employees_never_externals():
    post = PostFactory(community=None)
    assert post in posts_readable_by(UserFactory())
    assert post not in posts_readable_by(ExternalFactory())


def test_hidden_and_deleted_posts_are_read_by_nobody():
    reader = UserFactory()
    community = CommunityFactory(access=A.FREE)
    PostFactory(community=community, status="hidden")
    PostFactory(community=community, status="deleted")
    assert not posts_readable_by(reader).exists()


def test_a_banned_employee_no_longer_reads_a_free_community():
    reader = UserFactory()
    community = CommunityFactory(access=A.FREE)
    MembershipFactory(community=community, user=reader, status=Membership.Status.BANNED)
    PostFactory(community=community)
    assert not posts_readable_by(reader).exists()


def test_nobody_is_told_about_a_post_they_may_not_read():
    outsider, author = UserFactory(), UserFactory()
    post = PostFactory(community=CommunityFactory(access=A.CLOSED), author=author)
    assert notify(recipient=outsider, kind=Kind.MENTIONED, actor=author, post=post) is None
    assert not outsider.notifications.exists()


def test_nobody_is_told_about_their_own_action():
    author = UserFactory()
    post = PostFactory(community=None, author=author)
    assert notify(recipient=author, kind=Kind.LIKED, actor=author, post=post) is None


def test_a_reader_is_told():
    reader, author = UserFactory(), UserFactory()
    post = PostFactory(community=None, author=author)
    notification = notify(recipient=reader, kind=Kind.MENTIONED, actor=author, post=post)
    assert notification is not None
    assert list(reader.notifications.all()) == [notification]
