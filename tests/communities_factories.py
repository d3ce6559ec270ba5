"""Factories for communities (kept apart from the people factories)."""

from datetime import timedelta

import factory
from django.utils import timezone
from guardian.shortcuts import assign_perm

from communities.models import Community, Membership

from .factories import UserFactory


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    description = "A place to share."
    access = Community.Access.OPEN
    visibility = Community.Visibility.VISIBLE


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership row as the services would leave it (counter and rights included)."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    status = Membership.Status.ACTIVE
    role = Membership.Role.MEMBER
    expires_at = factory.LazyAttribute(
        lambda m: (
            timezone.now() + timedelta(days=14) if m.status == Membership.Status.INVITED else None
        )
    )

    @factory.post_generation
    def rights(obj, create, extracted, **kwargs):
        if not create:
            return
        if obj.status == Membership.Status.ACTIVE:
            Community.objects.filter(pk=obj.community_id).update(
                members_count=Membership.objects.filter(
                    community_id=obj.community_id, status="active"
                ).count()
            )
            obj.community.refresh_from_db()
            if obj.role == Membership.Role.MANAGER:
                assign_perm("manage_community", obj.user, obj.community)
            elif obj.role == Membership.Role.MODERATOR:
                assign_perm("moderate_community", obj.user, obj.community)
