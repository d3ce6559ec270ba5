"""Factories and a small cast for moderation tests."""

from dataclasses import dataclass

import factory
from django.utils import timezone

from charter.selectors import report_reasons
from communities.models import Community, Membership
from moderation.models import Sanction
from profiles.models import User

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .posts_factories import PostFactory


def reason(number: str = "4.3"):
    """A report reason of the charter in force, by section number."""
    return report_reasons().get(number=number)


class SanctionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sanction

    user = factory.SubFactory(UserFactory)
    kind = Sanction.Kind.WARNING
    created_at = factory.LazyFunction(timezone.now)


@dataclass
class Cast:
    community: Community
    other: Community
    manager: User
    moderator: User
    member: User
    author: User
    other_moderator: User
    outsider: User


def make_cast(**community_fields) -> Cast:
    """An open community with its manager, moderator, members (one of them the author
    of a post), and a second community with its own moderator."""
    community = CommunityFactory(**community_fields)
    other = CommunityFactory()
    cast = Cast(
        community=community,
        other=other,
        manager=UserFactory(first_name="Margot", last_name="Manager"),
        moderator=UserFactory(first_name="Marius", last_name="Moderator"),
        member=UserFactory(first_name="Rémi", last_name="Reporter"),
        author=UserFactory(first_name="Alice", last_name="Author"),
        other_moderator=UserFactory(),
        outsider=UserFactory(),
    )
    MembershipFactory(community=community, user=cast.manager, role=Membership.Role.MANAGER)
    MembershipFactory(community=community, user=cast.moderator, role=Membership.Role.MODERATOR)
    MembershipFactory(community=community, user=cast.member)
    MembershipFactory(community=community, user=cast.author)
    MembershipFactory(community=other, user=cast.other_moderator, role=Membership.Role.MODERATOR)
    return cast


def reported_post(cast: Cast, *, reporters=None, number: str = "4.3", **post_fields):
    """A post by the cast's author in the cast's community, reported by `reporters`."""
    from moderation import services

    post = PostFactory(community=cast.community, author=cast.author, **post_fields)
    for reporter in reporters if reporters is not None else [cast.member]:
        services.report_create(actor=reporter, post=post, reason=reason(number))
    return post
