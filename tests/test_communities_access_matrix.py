"""The access matrix (DESIGN §3): every role × every community kind × every action.

The expected outcome of each cell is written out below, by hand, from the rules —
never computed by the code under test. "404" means the community does not exist for
that person (never 403); "login" means the anonymous visitor is sent to sign in;
"302" on the members page means the community is known but its content is not
readable (sent back to the community page).
"""

import pytest
from django.contrib.auth.models import Group

from access import communities as community_rules
from communities.models import Community, Membership

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory

KINDS = {
    "visible-free": {"access": "free", "visibility": "visible"},
    "visible-open": {"access": "open", "visibility": "visible"},
    "visible-closed": {"access": "closed", "visibility": "visible"},
    "hidden-open-audience": {"access": "open", "visibility": "hidden", "audience": True},
    "hidden-closed": {"access": "closed", "visibility": "hidden"},
    "archived": {"access": "open", "visibility": "visible", "state": "archived"},
}
ROLES = [
    "anonymous",
    "employee",
    "audience",
    "invited",
    "requested",
    "member",
    "moderator",
    "manager",
    "banned",
    "external_member",
    "external_non_member",
    "superuser",
]
ACTIONS = ["discover", "page", "read", "request", "join", "invite", "approve", "post"]

T, F = True, False
LOGIN = "login"
ANON = (LOGIN, LOGIN, LOGIN, F, F, F, F, F)
GONE = (F, 404, 404, F, F, F, F, F)  # may not even know it exists

# role: (discover, page, read, request, join, invite, approve, post)
EXPECTED = {
    "visible-free": {
        "anonymous": ANON,
        "employee": (T, 200, 200, F, T, F, F, T),
        "audience": (T, 200, 200, F, T, F, F, T),
        "invited": (T, 200, 200, F, T, F, F, T),
        "requested": (T, 200, 200, F, T, F, F, T),
        "member": (T, 200, 200, F, F, F, F, T),
        "moderator": (T, 200, 200, F, F, F, F, T),
        "manager": (T, 200, 200, F, F, F, F, T),
        "banned": (T, 200, 302, F, F, F, F, F),
        "external_member": (T, 200, 200, F, F, F, F, T),
        "external_non_member": GONE,
        "superuser": (T, 200, 200, F, T, F, F, T),
    },
    "visible-open": {
        "anonymous": ANON,
        "employee": (T, 200, 302, T, F, F, F, F),
        "audience": (T, 200, 302, T, F, F, F, F),
        "invited": (T, 200, 302, F, F, F, F, F),
        "requested": (T, 200, 302, F, F, F, F, F),
        "member": (T, 200, 200, F, F, F, F, T),
        "moderator": (T, 200, 200, F, F, F, F, T),
        "manager": (T, 200, 200, F, F, T, T, T),
        "banned": (T, 200, 302, F, F, F, F, F),
        "external_member": (T, 200, 200, F, F, F, F, T),
        "external_non_member": GONE,
        "superuser": (T, 200, 200, T, F, T, T, T),
    },
    "visible-closed": {
        "anonymous": ANON,
        "employee": (T, 200, 302, F, F, F, F, F),
        "audience": (T, 200, 302, F, F, F, F, F),
        "invited": (T, 200, 302, F, F, F, F, F),
        "requested": (T, 200, 302, F, F, F, F, F),
        "member": (T, 200, 200, F, F, F, F, T),
        "moderator": (T, 200, 200, F, F, F, F, T),
        "manager": (T, 200, 200, F, F, T, F, T),
        "banned": (T, 200, 302, F, F, F, F, F),
        "external_member": (T, 200, 200, F, F, F, F, T),
        "external_non_member": GONE,
        "superuser": (T, 200, 200, F, F, T, F, T),
    },
    "hidden-open-audience": {
        "anonymous": ANON,
        "employee": GONE,
        "audience": (T, 200, 302, T, F, F, F, F),
        "invited": (T, 200, 302, F, F, F, F, F),
        "requested": GONE,  # a request alone does not reveal a hidden community
        "member": (T, 200, 200, F, F, F, F, T),
        "moderator": (T, 200, 200, F, F, F, F, T),
        "manager": (T, 200, 200, F, F, T, T, T),
        "banned": GONE,  # banned, even though in the audience group
        "external_member": (T, 200, 200, F, F, F, F, T),
        "external_non_member": GONE,
        "superuser": (T, 200, 200, T, F, T, T, T),
    },
    "hidden-closed": {
        "anonymous": ANON,
        "employee": GONE,
        "audience": GONE,  # in a group, but not this community's audience
        "invited": (T, 200, 302, F, F, F, F, F),
        "requested": GONE,
        "member": (T, 200, 200, F, F, F, F, T),
        "moderator": (T, 200, 200, F, F, F, F, T),
        "manager": (T, 200, 200, F, F, T, F, T),
        "banned": GONE,
        "external_member": (T, 200, 200, F, F, F, F, T),
        "external_non_member": GONE,
        "superuser": (T, 200, 200, F, F, T, F, T),
    },
    "archived": {
        "anonymous": ANON,
        "employee": (T, 200, 302, F, F, F, F, F),
        "audience": (T, 200, 302, F, F, F, F, F),
        "invited": (T, 200, 302, F, F, F, F, F),
        "requested": (T, 200, 302, F, F, F, F, F),
        "member": (T, 200, 200, F, F, F, F, F),
        "moderator": (T, 200, 200, F, F, F, F, F),
        "manager": (T, 200, 200, F, F, F, F, F),
        "banned": (T, 200, 302, F, F, F, F, F),
        "external_member": (T, 200, 200, F, F, F, F, F),
        "external_non_member": GONE,
        "superuser": (T, 200, 200, F, F, F, F, F),
    },
}

MEMBERSHIPS = {
    "invited": {"status": "invited"},
    "requested": {"status": "requested"},
    "member": {"status": "active"},
    "moderator": {"status": "active", "role": "moderator"},
    "manager": {"status": "active", "role": "manager"},
    "banned": {"status": "banned"},
}


def build(kind: str, role: str):
    """The community of `kind` (with a manager of its own) and a person in `role`."""
    spec = dict(KINDS[kind])
    audience = Group.objects.get_or_create(name="Legal department")[0]
    has_audience = spec.pop("audience", False)
    state = spec.pop("state", Community.State.ACTIVE)
    community = CommunityFactory(name=f"Matrix {kind}", **spec)
    if has_audience:
        community.audience.add(audience)
    MembershipFactory(community=community, role="manager")  # always one manager
    if state == Community.State.ARCHIVED:
        Community.objects.filter(pk=community.pk).update(state=state)
        community.refresh_from_db()
    if role == "anonymous":
        return community, None
    if role == "superuser":
        person = UserFactory(is_staff=True, is_superuser=True)
    elif role.startswith("external"):
        person = ExternalFactory()
    else:
        person = UserFactory()
    if role in ("audience", "banned"):
        person.groups.add(audience)
    if role == "external_member":
        MembershipFactory(community=community, user=person)
    elif role in MEMBERSHIPS:
        MembershipFactory(community=community, user=person, **MEMBERSHIPS[role])
    community.refresh_from_db()
    return community, person


def outcome(client, action: str, community: Community, person):
    if person is not None:
        client.force_login(person)
    if action == "discover":
        response = client.get("/communities/")
        if person is None:
            return LOGIN if response.status_code == 302 else response.status_code
        assert response.status_code == 200
        return community.name in response.content.decode()
    if action in ("page", "read"):
        url = f"/communities/{community.slug}/" + ("members/" if action == "read" else "")
        response = client.get(url)
        if response.status_code == 302 and "/accounts/login/" in response["Location"]:
            return LOGIN
        if response.status_code == 302:
            assert response["Location"] == f"/communities/{community.slug}/"
        return response.status_code
    check = {
        "request": community_rules.can_request,
        "join": community_rules.can_join,
        "invite": community_rules.can_invite,
        "approve": community_rules.can_approve,
        "post": community_rules.can_post,
    }[action]
    from django.contrib.auth.models import AnonymousUser

    return check(person or AnonymousUser(), community)


def test_the_matrix_covers_every_role_and_kind():
    assert set(EXPECTED) == set(KINDS)
    for kind, rows in EXPECTED.items():
        assert set(rows) == set(ROLES), kind
        assert all(len(row) == len(ACTIONS) for row in rows.values())


@pytest.mark.django_db
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(KINDS))
def test_access_matrix(client, kind, role, action):
    community, person = build(kind, role)
    expected = EXPECTED[kind][role][ACTIONS.index(action)]
    assert outcome(client, action, community, person) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["hidden-open-audience", "hidden-closed"])
@pytest.mark.parametrize("role", ["employee", "requested", "banned", "external_non_member"])
def test_every_url_of_a_hidden_community_answers_404_to_outsiders(client, kind, role):
    community, person = build(kind, role)
    client.force_login(person)
    target = Membership.objects.filter(community=community).first()
    slug = community.slug
    gets = [f"/communities/{slug}/", f"/communities/{slug}/members/"]
    posts = [
        f"/communities/{slug}/{verb}/"
        for verb in ("join", "request", "cancel", "leave", "accept", "decline", "invite")
    ] + [
        f"/communities/{slug}/members/{target.pk}/{verb}/"
        for verb in ("approve", "reject", "remove", "ban", "unban", "role")
    ]
    before = list(Membership.objects.order_by("pk").values())
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"role": "manager", "email": person.email}).status_code == 404, url
    assert list(Membership.objects.order_by("pk").values()) == before
    response = client.get("/communities/", {"q": community.name})
    assert f'href="/communities/{slug}/"' not in response.content.decode()
    assert "0 communities" in response.content.decode()


# --- Addresses: no existence oracle (issue 27, finding 3) -------------------------------


def _create(client, slug: str):
    return client.post(
        "/communities/new/",
        {
            "name": "Mine",
            "slug": slug,
            "purpose": "professional",
            "access": "open",
            "visibility": "visible",
        },
        follow=True,
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["hidden-open-audience", "hidden-closed"])
@pytest.mark.parametrize("role", ["employee", "requested", "banned"])
def test_creating_at_a_hidden_communitys_address_says_nothing_about_it(client, kind, role):
    hidden, person = build(kind, role)
    before = Community.objects.filter(pk=hidden.pk).values().get()
    client.force_login(person)
    taken = _create(client, hidden.slug)
    free = _create(client, "nobody-has-this-one")
    # Both are accepted alike: the hidden one's address is quietly not reused.
    assert taken.status_code == free.status_code == 200
    assert len(taken.redirect_chain) == len(free.redirect_chain) == 1
    mine = Community.objects.filter(created_by=person).exclude(slug="nobody-has-this-one").get()
    assert mine.slug != hidden.slug and mine.slug.startswith(hidden.slug)
    assert "already" not in taken.content.decode()
    assert _messages(taken) == _messages(free) == ["The community “Mine” is created."]
    assert Community.objects.filter(pk=hidden.pk).values().get() == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["hidden-open-audience", "hidden-closed"])
def test_renaming_to_a_hidden_communitys_address_says_nothing_about_it(client, kind):
    hidden, person = build(kind, "employee")
    client.force_login(person)
    _create(client, "mine")
    response = client.post(
        "/communities/mine/edit/",
        {
            "name": "Mine",
            "slug": hidden.slug,
            "purpose": "professional",
            "access": "open",
            "visibility": "visible",
        },
    )
    assert response.status_code == 302
    mine = Community.objects.get(created_by=person)
    assert mine.slug != hidden.slug and mine.slug.startswith(hidden.slug)
    assert response["Location"] == f"/communities/{mine.slug}/"
    assert Community.objects.get(pk=hidden.pk).slug == hidden.slug


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["member", "audience"])
def test_who_may_discover_a_hidden_community_is_told_its_address_is_taken(client, role):
    hidden, person = build("hidden-open-audience", role)
    client.force_login(person)
    response = _create(client, hidden.slug)
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].errors["slug"])
    assert not Community.objects.filter(created_by=person).exists()


@pytest.mark.django_db
def test_names_are_not_unique_so_a_hidden_communitys_name_tells_nothing(client):
    hidden, person = build("hidden-closed", "employee")
    client.force_login(person)
    response = client.post(
        "/communities/new/",
        {
            "name": hidden.name,
            "slug": "another-address",
            "purpose": "professional",
            "access": "open",
            "visibility": "visible",
        },
    )
    assert response.status_code == 302
    assert Community.objects.filter(name=hidden.name).count() == 2
