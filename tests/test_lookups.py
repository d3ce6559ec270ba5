"""`field__any=[...]` (core.lookups) selects the same rows as `field__in=[...]`."""

import pytest

from posts.models import Post

from .factories import UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db


def test_any_matches_like_in_on_fields_and_foreign_keys():
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    posts = [PostFactory(community=None, author=author) for author in (alice, bob, carol)]
    wanted = [alice.pk, carol.pk]
    assert set(Post.objects.filter(author_id__any=wanted)) == {posts[0], posts[2]}
    assert set(Post.objects.filter(author__any=wanted)) == {posts[0], posts[2]}
    assert set(Post.objects.filter(pk__any=[posts[1].pk])) == {posts[1]}


def test_any_of_nothing_matches_nothing():
    PostFactory(community=None)
    assert not Post.objects.filter(author_id__any=[]).exists()
    assert Post.objects.exclude(author_id__any=[]).count() == 1
