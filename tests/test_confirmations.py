"""Destructive actions ask first: the GET of their URL is a confirmation page (the
page without JavaScript, the dialog's content with it) that changes nothing; the POST
acts. Only who may act gets the page; a hidden community stays a 404."""

import pytest

from communities.models import Community, Membership
from posts.models import Status

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .posts_factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guild():
    return CommunityFactory(access=Community.Access.OPEN, name="Lean guild")


@pytest.fixture
def manager(guild):
    return MembershipFactory(community=guild, role="manager").user


@pytest.fixture
def member(guild):
    return MembershipFactory(
        community=guild, user=UserFactory(first_name="Alice", last_name="Martin")
    )


def test_ban_asks_first_with_an_optional_reason_then_bans(client, guild, manager, member):
    client.force_login(manager)
    url = f"/communities/{guild.slug}/members/{member.pk}/ban/"
    page = client.get(url).content.decode()
    assert "Ban Alice Martin?" in page and 'name="reason"' in page
    assert 'class="danger"' in page and f'action="{url}"' in page
    member.refresh_from_db()
    assert member.status == Membership.Status.ACTIVE  # asking changed nothing
    client.post(url, {"reason": "Spam"})
    member.refresh_from_db()
    assert member.status == Membership.Status.BANNED


def test_remove_asks_first(client, guild, manager, member):
    client.force_login(manager)
    url = f"/communities/{guild.slug}/members/{member.pk}/remove/"
    assert "Remove Alice Martin?" in client.get(url).content.decode()
    member.refresh_from_db()
    assert member.status == Membership.Status.ACTIVE


def test_members_page_marks_remove_and_ban_as_dangerous(client, guild, manager, member):
    client.force_login(manager)
    page = client.get(f"/communities/{guild.slug}/members/").content.decode()
    assert (
        f'class="button danger" href="/communities/{guild.slug}/members/{member.pk}/ban/"' in page
    )


def test_only_managers_get_the_ban_page(client, guild, member):
    other = MembershipFactory(community=guild).user
    client.force_login(other)
    url = f"/communities/{guild.slug}/members/{member.pk}/ban/"
    assert client.get(url).status_code == 403


def test_a_hidden_community_s_pages_stay_404(client, employee):
    hidden = CommunityFactory(
        visibility=Community.Visibility.HIDDEN, access=Community.Access.CLOSED
    )
    membership = MembershipFactory(community=hidden)
    client.force_login(employee)
    for url in (
        f"/communities/{hidden.slug}/leave/",
        f"/communities/{hidden.slug}/archive/",
        f"/communities/{hidden.slug}/members/{membership.pk}/ban/",
    ):
        assert client.get(url).status_code == 404


def test_leave_and_archive_ask_first(client, guild, manager, member):
    client.force_login(member.user)
    page = client.get(f"/communities/{guild.slug}/leave/").content.decode()
    assert "Leave this community?" in page
    member.refresh_from_db()
    assert member.status == Membership.Status.ACTIVE
    client.force_login(manager)
    assert (
        "Archive this community?"
        in client.get(f"/communities/{guild.slug}/archive/").content.decode()
    )
    guild.refresh_from_db()
    assert not guild.is_archived


def test_deleting_a_comment_asks_first(client, guild, member):
    comment = CommentFactory(post=PostFactory(community=guild), author=member.user)
    client.force_login(member.user)
    page = client.get(f"/comments/{comment.pk}/delete/").content.decode()
    assert "Delete this comment for good" in page
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    client.post(f"/comments/{comment.pk}/delete/")
    comment.refresh_from_db()
    assert comment.status == Status.DELETED


def test_the_confirmation_page_is_in_french(client, guild, manager, member):
    client.force_login(manager)
    page = client.get(
        f"/communities/{guild.slug}/members/{member.pk}/ban/", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Bannir Alice Martin" in page and "Annuler" in page
