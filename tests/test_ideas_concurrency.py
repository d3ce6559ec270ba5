"""Votes under real concurrency (PostgreSQL, threads, each its own transaction): a
double click counts once; many voters at once are all counted."""

import pytest

from communities.models import Community
from ideas import services
from ideas.models import Idea, Vote

from .communities_factories import CommunityFactory
from .factories import UserFactory
from .ideas_factories import IdeaFactory
from .posts_factories import PostFactory
from .test_events_concurrency import at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_double_click_counts_once():
    idea = IdeaFactory(post=PostFactory(community=CommunityFactory(access=Community.Access.FREE)))
    person = UserFactory()
    errors = at_once(
        [lambda: services.idea_vote(actor=person, idea=idea, voted=True) for _ in range(2)]
    )
    assert errors == []
    assert Vote.objects.filter(user=person).count() == 1
    assert Idea.objects.get(pk=idea.pk).votes_count == 1


def test_many_voters_at_once_are_all_counted():
    idea = IdeaFactory(post=PostFactory(community=CommunityFactory(access=Community.Access.FREE)))
    people = [UserFactory() for _ in range(6)]
    errors = at_once(
        [(lambda who=who: services.idea_vote(actor=who, idea=idea, voted=True)) for who in people]
    )
    assert errors == []
    assert Idea.objects.get(pk=idea.pk).votes_count == Vote.objects.count() == 6
