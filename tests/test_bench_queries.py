"""The faster reads of the benchmark work return exactly what the plain rules return."""

import pytest
from django.http import Http404
from taggit.models import Tag

from access import posts as post_rules
from bench.generate import generate
from posts import selectors
from posts.models import TagFollow
from profiles.models import Profile, User

from .stream_oracle import home_stream

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return generate("tiny", seed=11, progress=lambda _: None)


def _people():
    employees = User.objects.filter(kind=User.Kind.EMPLOYEE, is_active=True).order_by("pk")
    externals = User.objects.filter(kind=User.Kind.EXTERNAL, is_active=True).order_by("pk")
    return [*employees[:6], *externals[:3]]


def _pages(user, which, sources):
    cursor, pages = None, []
    for _ in range(4):
        # As the home page reads it: the reading rule, and the sources; or the stream whole.
        page = selectors.stream_page(
            post_rules.posts_readable_by(user) if sources else home_stream(user, which),
            user,
            cursor,
            selectors.home_sources(user, which) if sources else None,
        )
        pages.append([post.pk for post in page.posts])
        cursor = page.next_cursor
        if cursor is None:
            break
    return pages


@pytest.mark.parametrize("which", ["all", "communities", "people", "tags"])
def test_the_home_stream_from_its_parts_is_the_same_stream(company, settings, which):
    settings.RSE_STREAM_PAGE_SIZE = 5
    for user in _people():
        # Some of them follow tags too, so the tag parts are exercised.
        tag = Tag.objects.order_by("pk").first()
        TagFollow.objects.get_or_create(user=user, tag=tag)
        assert _pages(user, which, sources=True) == _pages(user, which, sources=False)


def test_suggested_people_are_the_most_followed_ones_not_yet_followed(company):
    for user in _people():
        got = selectors.suggestions_for(user)["people"]
        if user.kind != "employee":
            assert got == []
            continue
        followed = set(user.following_links.values_list("followed_id", flat=True))
        expected = sorted(
            (p for p in Profile.objects.select_related("user") if p.user.is_active),
            key=lambda p: (-p.followers_count, p.user.last_name, p.user_id),
        )
        expected = [p.user for p in expected if p.user_id != user.pk and p.user_id not in followed]
        assert got == expected[:5]


def test_a_tag_page_opens_exactly_for_the_tags_one_may_read(company):
    for user in _people():
        readable = set(post_rules.tags_readable_by(user).values_list("slug", flat=True))
        for tag in Tag.objects.order_by("pk")[:40]:
            if tag.slug in readable:
                assert post_rules.get_tag_or_404(user, tag.slug) == tag
            else:
                with pytest.raises(Http404):
                    post_rules.get_tag_or_404(user, tag.slug)


def test_people_with_a_skill_come_best_first(company):
    from profiles.models import LEVEL_RANK, Skill, UserSkill
    from search.directory import DirectoryQuery, directory_search

    viewer = User.objects.filter(kind=User.Kind.EMPLOYEE).order_by("pk").first()
    for skill in Skill.objects.order_by("pk")[:5]:
        got = list(directory_search(viewer, DirectoryQuery(skill=skill.name))[:30])
        holders = UserSkill.objects.filter(skill=skill, user__is_active=True).select_related("user")
        expected = sorted(
            holders,
            key=lambda s: (
                -LEVEL_RANK[s.level],
                -s.endorsements_count,
                s.user.last_name,
                s.user.first_name,
                s.user_id,
            ),
        )
        assert [p.pk for p in got] == [s.user_id for s in expected[:30]]
        assert [p.skill_rank for p in got] == [LEVEL_RANK[s.level] for s in expected[:30]]


def _tag_pages(user, tag, sources):
    cursor, pages = None, []
    for _ in range(4):
        page = selectors.stream_page(
            selectors.tag_posts(user, tag),
            user,
            cursor,
            selectors.tag_sources(user, tag) if sources else None,
        )
        pages.append([post.pk for post in page.posts])
        cursor = page.next_cursor
        if cursor is None:
            break
    return pages


def test_a_tag_page_read_through_its_links_is_the_same_stream(company, settings):
    settings.RSE_STREAM_PAGE_SIZE = 5
    for tag in Tag.objects.order_by("pk")[:3]:
        for user in _people():
            assert _tag_pages(user, tag, sources=True) == _tag_pages(user, tag, sources=False)


def test_tag_links_keep_their_post_time(company):
    from posts.models import TaggedPost

    links = TaggedPost.objects.select_related("content_object")[:50]
    assert links and all(link.created_at == link.content_object.created_at for link in links)
