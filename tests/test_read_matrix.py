"""The read matrix (DESIGN §3, rules 1, 2 and 7): role × community kind × surface.

One table says, for each role and kind, whether the person may discover the
community and read its content, written by hand from the rules (not computed by the
code under test). Every surface that shows a community or a post is then generated
from it: each cell asserts the status (200, 404, or the sign-in page for a closed
account) and whether the community's post is in the list or not.

The data set (six communities, one person per role, a post with a tag and an
attachment in each community, a reported case) is built once for the module;
every cell runs in its own transaction on top of it, so nothing a cell does leaks
into the next one.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from access.roles import site_moderators_group
from communities.models import Community, Membership
from moderation.models import Case, Sanction
from notifications.models import EmailMode, Notification, NotificationPreference
from notifications.services import notification_email_send, notify
from posts.models import Attachment, CommunityFollow
from profiles.models import Follow

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db

# Kinds of community: hidden + free is refused (rule 6), hidden + open has an audience.
KINDS = {
    "closed": {"access": Community.Access.CLOSED},
    "closed_hidden": {"access": Community.Access.CLOSED, "visibility": "hidden"},
    "open": {"access": Community.Access.OPEN},
    "open_hidden": {"access": Community.Access.OPEN, "visibility": "hidden"},
    "free": {"access": Community.Access.FREE},
    "archived": {"access": Community.Access.OPEN, "state": Community.State.ARCHIVED},
}
ALL = set(KINDS)
VISIBLE = {"closed", "open", "free", "archived"}
NONE: set[str] = set()

# The one table: role → (kinds it may discover, kinds whose content it may read).
# Every role follows every community and the author of each post, so "may read" is
# also "the post is in my home stream".
TABLE: dict[str, tuple[set[str], set[str]]] = {
    "employee_member": (ALL, ALL),
    "employee_non_member": (VISIBLE, {"free"}),
    "audience_member": (ALL, {"free"}),
    "external_member": (ALL, ALL),
    "external_non_member": (NONE, NONE),
    "manager": (ALL, ALL),
    "community_moderator": (ALL, ALL),
    "site_moderator": (VISIBLE, {"free"}),
    "muted": (ALL, ALL),
    "banned": (VISIBLE, NONE),
    "closed_account": (NONE, NONE),
    "superuser": (ALL, ALL),
}
# Who handles the reports about a community's content (the moderation queue).
MODERATES = {"manager", "community_moderator", "site_moderator", "superuser"}
# Who may see the profile of a post's author (an employee member of its community).
SEES_AUTHOR = set(TABLE) - {"external_non_member", "closed_account"}

SURFACES = [
    "community page",
    "stream",
    "tag page",
    "profile page",
    "post page",
    "attachment",
    "search",
    "suggestions",
    "notifications",
    "e-mail",
    "likers list",
    "moderation queue",
]


@dataclass
class World:
    people: dict[str, object]
    communities: dict[str, Community]
    posts: dict[str, object]
    attachments: dict[str, Attachment]
    cases: dict[str, Case]
    clients: dict[str, Client]


def _build(media_root) -> World:
    audience = Group.objects.create(name="Matrix audience")
    communities = {}
    for kind, options in KINDS.items():
        community = CommunityFactory(
            name=f"Orchard{kind.replace('_', '')}", slug=f"matrix-{kind}", **options
        )
        if community.visibility == Community.Visibility.HIDDEN:
            community.audience.add(audience)
        communities[kind] = community
    people = {
        role: (ExternalFactory if role.startswith("external") else UserFactory)() for role in TABLE
    }
    people["superuser"].is_superuser = True
    people["superuser"].save(update_fields=["is_superuser"])
    people["audience_member"].groups.add(audience)
    people["site_moderator"].groups.add(site_moderators_group())
    Sanction.objects.create(
        user=people["muted"],
        kind=Sanction.Kind.MUTE,
        ends_at=timezone.now() + timedelta(days=7),
    )
    roles = {
        "employee_member": {},
        "external_member": {},
        "muted": {},
        "closed_account": {},
        "manager": {"role": Membership.Role.MANAGER},
        "community_moderator": {"role": Membership.Role.MODERATOR},
        "banned": {"status": Membership.Status.BANNED},
    }
    posts, attachments, cases = {}, {}, {}
    for kind, community in communities.items():
        for role, options in roles.items():
            MembershipFactory(community=community, user=people[role], **options)
        author = UserFactory(username=f"author-{kind}")
        MembershipFactory(community=community, user=author)
        post = PostFactory(
            community=community, author=author, body=f"Quokka{kind.replace('_', '')} news"
        )
        post.tags.add(f"zz{kind.replace('_', '')}")
        post.tag_links.update(created_at=post.created_at)
        attachment = Attachment(
            post=post,
            original_name="plan.pdf",
            content_type="application/pdf",
            size=4,
            kind=Attachment.Kind.DOCUMENT,
        )
        attachment.file.save(f"matrix-{kind}.pdf", ContentFile(b"%PDF"), save=True)
        attachments[kind] = attachment
        posts[kind] = post
        cases[kind] = Case.objects.create(post=post, community=community, author=author)
        for person in people.values():
            CommunityFollow.objects.create(user=person, community=community)
            Follow.objects.create(follower=person, followed=author)
    clients = {}
    for role, person in people.items():  # signed in once, before the account closes
        clients[role] = Client()
        clients[role].force_login(person)
    people["closed_account"].is_active = False
    people["closed_account"].save(update_fields=["is_active"])
    return World(people, communities, posts, attachments, cases, clients)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The data set, built once in a transaction rolled back after the module."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"))
    with django_db_blocker.unblock():
        media.enable()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build(media)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media.disable()


def _get(client: Client, url: str):
    response = client.get(url)
    assert response.status_code != 500
    return response


def _expect_status(response, role: str, allowed: bool) -> None:
    if role == "closed_account":  # signed out at once: every page asks to sign in
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == (200 if allowed else 404)


def _shows(response, text: str) -> bool:
    return response.status_code == 200 and text in response.content.decode()


CELLS = [(role, kind, surface) for role in TABLE for kind in KINDS for surface in SURFACES]


@pytest.mark.parametrize(("role", "kind", "surface"), CELLS)
def test_read_matrix(world, mailoutbox, role, kind, surface):
    discover, read = (kind in TABLE[role][0]), (kind in TABLE[role][1])
    person = world.people[role]
    community, post = world.communities[kind], world.posts[kind]
    marker = post.body
    client = world.clients[role]
    if surface == "community page":
        response = _get(client, f"/communities/{community.slug}/")
        _expect_status(response, role, discover)
        assert _shows(response, marker) is read
    elif surface == "stream":
        response = _get(client, "/")
        _expect_status(response, role, True)
        assert _shows(response, marker) is read
    elif surface == "tag page":
        response = _get(client, f"/tags/zz{kind.replace('_', '')}/")
        _expect_status(response, role, read)
        assert _shows(response, marker) is read
    elif surface == "profile page":
        response = _get(client, f"/people/{post.author.username}/")
        _expect_status(response, role, role in SEES_AUTHOR)
        assert _shows(response, marker) is read
    elif surface == "post page":
        response = _get(client, f"/posts/{post.pk}/")
        _expect_status(response, role, read)
        assert _shows(response, marker) is read
    elif surface == "attachment":
        attachment = world.attachments[kind]
        response = _get(client, f"/attachments/{attachment.pk}/plan.pdf")
        _expect_status(response, role, read)
    elif surface == "search":
        response = _get(client, f"/search/?q=quokka{kind.replace('_', '')}")
        _expect_status(response, role, True)
        assert _shows(response, f"/posts/{post.pk}/") is read
        response = _get(client, f"/search/?q=orchard{kind.replace('_', '')}")
        assert _shows(response, community.name) is discover
    elif surface == "suggestions":
        response = _get(client, f"/posts/suggest/tags/?q=zz{kind.replace('_', '')[:4]}")
        if role == "closed_account":
            _expect_status(response, role, True)
        else:
            assert (f"zz{kind.replace('_', '')}" in response.json()["results"]) is read
    elif surface == "notifications":
        told = notify(recipient=person, kind="commented", post=post)
        assert (told is not None) is (read and person.is_active)
        response = _get(client, "/notifications/")
        _expect_status(response, role, True)
    elif surface == "e-mail":
        NotificationPreference.objects.create(
            user=person, kind="commented", email=EmailMode.IMMEDIATELY
        )
        notification = Notification.objects.create(recipient=person, kind="commented", post=post)
        sent = notification_email_send(notification_id=notification.pk)
        assert sent is (read and person.is_active)
        assert len(mailoutbox) == (1 if sent else 0)
    elif surface == "likers list":
        response = _get(client, f"/posts/{post.pk}/likes/")
        _expect_status(response, role, read)
    elif surface == "moderation queue":
        response = _get(client, "/moderation/?status=open")
        moderates = role in MODERATES
        _expect_status(response, role, moderates)
        case_url = reverse("moderation:case", args=[world.cases[kind].pk])
        assert _shows(response, case_url) is moderates
