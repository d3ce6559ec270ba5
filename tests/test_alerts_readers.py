"""`access.readers.readers_of` (one post, many people: the fan-out's reading rule) says
exactly what `access.posts.is_post_readable_by` says person by person, for every
kind of person × community × membership."""

import pytest

from access.posts import is_post_readable_by
from access.readers import readers_of
from communities.models import Community, Membership
from posts.models import Status

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
from .posts_factories import PostFactory

# Tasks run in the test process, with or without a broker (REDIS_URL).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]

KINDS = [
    (Community.Access.FREE, Community.Visibility.VISIBLE),
    (Community.Access.OPEN, Community.Visibility.VISIBLE),
    (Community.Access.CLOSED, Community.Visibility.VISIBLE),
    (Community.Access.CLOSED, Community.Visibility.HIDDEN),
    (None, None),  # a post on a profile
]
STATUSES = [None, *Membership.Status.values]


@pytest.mark.parametrize(("access", "visibility"), KINDS)
@pytest.mark.parametrize("post_status", [Status.PUBLISHED, Status.HIDDEN])
def test_readers_of_matches_the_rule_person_by_person(access, visibility, post_status):
    community = (
        CommunityFactory(access=access, visibility=visibility) if access is not None else None
    )
    people = []
    for make in (UserFactory, ExternalFactory):
        for status in STATUSES:
            person = make()
            if status is not None and community is not None:
                MembershipFactory(community=community, user=person, status=status)
            people.append(person)
    people.append(UserFactory(is_superuser=True))
    people.append(UserFactory(is_active=False))
    post = PostFactory(community=community, author=people[0], status=post_status)
    expected = {p.pk for p in people if is_post_readable_by(p, post)}
    assert (
        set(readers_of(post).filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
        == expected
    )
