"""The access core: the Viewer reads each fact once, caches nothing on the user, and
the roles are data (groups made by a migration, guardian rights that follow roles)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from guardian.shortcuts import assign_perm

from access import communities as community_rules
from access import moderation as moderation_rules
from access import posts as post_rules
from access.checks import role_drift
from access.roles import site_moderators, site_moderators_group
from access.viewer import Viewer, as_viewer
from communities import memberships
from communities.models import Community, Membership
from moderation.models import Sanction

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_role_groups_exist_on_a_fresh_database():
    names = {settings.RSE_SITE_MODERATORS_GROUP, settings.RSE_COMMUNICATIONS_GROUP}
    assert set(Group.objects.filter(name__in=names).values_list("name", flat=True)) == names


def test_site_moderators_are_the_group_and_the_superusers(site_moderator, admin_user, employee):
    assert set(site_moderators()) == {site_moderator, admin_user}
    assert moderation_rules.is_site_moderator(site_moderator)
    assert moderation_rules.is_site_moderator(admin_user)
    assert not moderation_rules.is_site_moderator(employee)


def test_a_viewer_reads_each_fact_once(django_assert_num_queries):
    member = UserFactory()
    community = CommunityFactory(access=Community.Access.OPEN)
    MembershipFactory(community=community, user=member, role=Membership.Role.MANAGER)
    viewer = Viewer(member)
    # Charter, mutes, rights and the readable communities' ids: one query each, plus
    # one EXISTS for the first reading question, asked before the ids were read.
    with django_assert_num_queries(5):
        for _ in range(3):
            assert community_rules.can_post(viewer, community)
            assert community_rules.can_manage(viewer, community)
            assert community_rules.can_moderate(viewer, community)
            assert post_rules.can_contribute(viewer, None)
            viewer.readable_community_ids  # noqa: B018 - read once, then known


def test_nothing_is_cached_on_the_user():
    user = UserFactory()
    community = CommunityFactory(access=Community.Access.FREE)
    before = set(vars(user))
    community_rules.can_post(user, community)
    moderation_rules.is_site_moderator(user)
    moderation_rules.is_muted(user, community)
    assert set(vars(user)) == before


def test_a_mute_counts_until_its_end_and_forget_reads_again():
    user = UserFactory()
    community = CommunityFactory(access=Community.Access.FREE)
    viewer = as_viewer(user)
    assert community_rules.can_post(viewer, community)
    Sanction.objects.create(
        user=user, kind=Sanction.Kind.MUTE, ends_at=timezone.now() + timedelta(hours=1)
    )
    assert community_rules.can_post(viewer, community)  # a snapshot of the request
    viewer.forget()
    assert not community_rules.can_post(viewer, community)


def test_roles_and_guardian_rights_do_not_drift_through_the_services():
    manager = UserFactory()
    community = CommunityFactory(access=Community.Access.OPEN)
    MembershipFactory(community=community, user=manager, role=Membership.Role.MANAGER)
    member = MembershipFactory(community=community, user=UserFactory())
    for role in (Membership.Role.MODERATOR, Membership.Role.MANAGER, Membership.Role.MEMBER):
        memberships.membership_set_role(actor=manager, membership=member, role=role)
        assert role_drift() == []


def test_a_right_without_its_role_is_reported_by_the_check():
    community = CommunityFactory()
    member = MembershipFactory(community=community, user=UserFactory())
    assign_perm("manage_community", member.user, community)
    assert len(role_drift()) == 1
    out = StringIO()
    call_command("check", "--database", "default", stdout=out, stderr=out)
    assert "access.W001" in out.getvalue()


def test_the_site_moderators_group_is_made_again_if_deleted():
    Group.objects.filter(name=settings.RSE_SITE_MODERATORS_GROUP).delete()
    assert site_moderators_group().name == settings.RSE_SITE_MODERATORS_GROUP
