"""Search never leaks: every section, every count and the suggestions, for every role.

One company with a community of each kind, each holding a post with its own tag; the
markers below are unique words, so a page that shows a thing shows its marker.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

import pytest
from django.contrib.auth.models import Group

from communities.models import Community, Membership

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db

A = Community.Access
V = Community.Visibility
S = Membership.Status

KINDS = ["free", "open", "closed", "hidden", "audience"]
POST_KINDS = [*KINDS, "profile"]


@dataclass
class World:
    communities: dict
    author: object
    outsider: object
    sponsor: object
    external_comember: object
    audience_group: object


@pytest.fixture
def world():
    author = UserFactory(first_name="Zorglub", last_name="Author")
    audience_group = Group.objects.create(name="Board")
    communities = {
        "free": CommunityFactory(name="Zorglub ccfree", access=A.FREE),
        "open": CommunityFactory(name="Zorglub ccopen", access=A.OPEN),
        "closed": CommunityFactory(name="Zorglub ccclosed", access=A.CLOSED),
        "hidden": CommunityFactory(name="Zorglub cchidden", access=A.CLOSED, visibility=V.HIDDEN),
        "audience": CommunityFactory(name="Zorglub ccaudience", access=A.OPEN, visibility=V.HIDDEN),
    }
    communities["audience"].audience.add(audience_group)
    for kind, community in communities.items():
        MembershipFactory(community=community, user=author, role=Membership.Role.MANAGER)
        PostFactory(
            community=community,
            author=author,
            body=f"Zorglub memo qq{kind}",
            tags=[f"zorglub-tt{kind}", "zorglub-shared"],
        )
    PostFactory(
        community=None, author=author, body="Zorglub memo qqprofile", tags=["zorglub-ttprofile"]
    )
    sponsor = UserFactory(first_name="Zorglub", last_name="Sponsor")
    comember = UserFactory(first_name="Zorglub", last_name="Comember")
    MembershipFactory(community=communities["closed"], user=comember)
    UserFactory(first_name="Zorglub", last_name="Former", is_active=False)
    return World(
        communities=communities,
        author=author,
        outsider=UserFactory(first_name="Zorglub", last_name="Outsider"),
        sponsor=sponsor,
        external_comember=comember,
        audience_group=audience_group,
    )


def _employee(world):
    return UserFactory()


def _member_of(kind, status=S.ACTIVE):
    def make(world):
        user = UserFactory()
        MembershipFactory(community=world.communities[kind], user=user, status=status)
        return user

    return make


def _audience(world):
    user = UserFactory()
    user.groups.add(world.audience_group)
    return user


def _external(world):
    user = ExternalFactory(sponsor=world.sponsor, first_name="Zorglub", last_name="Partner")
    MembershipFactory(community=world.communities["closed"], user=user)
    return user


def _site_moderator(world):
    from access.roles import site_moderators_group_name

    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=site_moderators_group_name())[0])
    return user


def _site_admin(world):
    return UserFactory(is_staff=True, is_superuser=True)


EVERYONE = {"Author", "Sponsor", "Comember", "Outsider"}
# role: (maker, communities discovered, posts read, people seen)
MATRIX = {
    "employee": (_employee, {"free", "open", "closed"}, {"free", "profile"}, EVERYONE),
    "site moderator": (_site_moderator, {"free", "open", "closed"}, {"free", "profile"}, EVERYONE),
    "member of open": (
        _member_of("open"),
        {"free", "open", "closed"},
        {"free", "open", "profile"},
        EVERYONE,
    ),
    "member of closed": (
        _member_of("closed"),
        {"free", "open", "closed"},
        {"free", "closed", "profile"},
        EVERYONE,
    ),
    "member of hidden": (
        _member_of("hidden"),
        {"free", "open", "closed", "hidden"},
        {"free", "hidden", "profile"},
        EVERYONE,
    ),
    "invited to hidden": (
        _member_of("hidden", S.INVITED),
        {"free", "open", "closed", "hidden"},
        {"free", "profile"},
        EVERYONE,
    ),
    "requested open": (
        _member_of("open", S.REQUESTED),
        {"free", "open", "closed"},
        {"free", "profile"},
        EVERYONE,
    ),
    "audience of hidden open": (
        _audience,
        {"free", "open", "closed", "audience"},
        {"free", "profile"},
        EVERYONE,
    ),
    "banned from free": (
        _member_of("free", S.BANNED),
        {"free", "open", "closed"},
        {"profile"},
        EVERYONE,
    ),
    "banned from hidden": (
        _member_of("hidden", S.BANNED),
        {"free", "open", "closed"},
        {"free", "profile"},
        EVERYONE,
    ),
    "external member of closed": (
        _external,
        {"closed"},
        {"closed"},
        {"Author", "Sponsor", "Comember", "Partner"},
    ),
    "site admin": (_site_admin, set(KINDS), set(POST_KINDS), EVERYONE),
}


def _without_echo(content: str, q: str) -> str:
    """The page minus the query itself, echoed in the boxes, titles and links."""
    for echo in (q, quote(q, safe=""), quote_plus(q)):
        content = content.replace(echo, "")
    return content


def _markers(content: str, prefix: str) -> set[str]:
    return set(re.findall(rf"{prefix}(free|open|closed|hidden|audience|profile)", content))


@pytest.mark.parametrize("role", MATRIX)
def test_results_page_shows_only_what_the_role_may_see(client, world, role):
    maker, communities, posts, people = MATRIX[role]
    viewer = maker(world)
    client.force_login(viewer)
    response = client.get("/search/", {"q": "zorglub"})
    assert response.status_code == 200
    content = response.content.decode()
    counts = {s.name: s.count for s in response.context["sections"]}

    assert _markers(content, "cc") <= communities
    # The page previews five results per section; the counts say how many there are.
    assert _markers(content, "qq") <= posts
    assert len(_markers(content, "qq")) == min(len(posts), 5)
    assert _markers(content, "tt") <= posts
    assert counts["communities"] == len(communities)
    assert counts["posts"] == len(posts)
    # Each readable post's own tag, plus the shared tag when one of its posts is readable.
    shared = 1 if posts - {"profile"} else 0
    assert counts["tags"] == len(posts) + shared
    surnames = {"Author", "Sponsor", "Comember", "Outsider", "Former", "Partner"}
    shown = {name for name in surnames if f"Zorglub {name}" in content}
    assert shown <= people
    assert "Former" not in shown
    hidden_kinds = set(KINDS) - communities
    for kind in hidden_kinds:
        assert f"cc{kind}" not in content
        assert f"tt{kind}" not in content


@pytest.mark.parametrize("role", MATRIX)
def test_section_pages_show_only_what_the_role_may_see(client, world, role):
    maker, communities, posts, people = MATRIX[role]
    client.force_login(maker(world))
    found = client.get("/search/communities/", {"q": "zorglub"})
    assert _markers(found.content.decode(), "cc") <= communities
    assert {c.name.split("cc")[1] for c in found.context["page"].object_list} == communities
    found = client.get("/search/posts/", {"q": "zorglub memo"})
    assert found.context["page"].paginator.count == len(posts)
    assert _markers(found.content.decode(), "qq") == posts
    found = client.get("/search/tags/", {"q": "zorglub"})
    assert _markers(found.content.decode(), "tt") == posts
    found = client.get("/search/people/", {"q": "zorglub"})
    names = {p.last_name for p in found.context["page"].object_list}
    assert names == people


@pytest.mark.parametrize("role", MATRIX)
def test_suggestions_show_only_what_the_role_may_see(client, world, role):
    maker, communities, posts, people = MATRIX[role]
    client.force_login(maker(world))
    data = client.get("/search/suggest/", {"q": "zorgl"}).json()
    assert {c["label"].split("cc")[1] for c in data["communities"]} <= communities
    assert len(data["communities"]) == min(len(communities), 5)
    for tag in data["tags"]:
        kind = tag["label"].removeprefix("#zorglub-tt").removeprefix("#zorglub-")
        assert kind == "shared" or kind in posts
    assert {p["label"].split()[1] for p in data["people"]} <= people
    assert all("Former" not in p["label"] for p in data["people"])


def test_a_shared_tag_counts_only_the_posts_the_viewer_may_read(client, world):
    client.force_login(UserFactory())
    data = client.get("/search/suggest/", {"q": "zorglub-shared"}).json()
    assert [(t["label"], t["detail"]) for t in data["tags"]] == [("#zorglub-shared", "1 post")]
    member = _member_of("hidden")(world)
    client.force_login(member)
    data = client.get("/search/suggest/", {"q": "zorglub-shared"}).json()
    assert [(t["label"], t["detail"]) for t in data["tags"]] == [("#zorglub-shared", "2 posts")]


def test_a_tag_used_only_in_a_hidden_community_is_never_suggested(client, world):
    client.force_login(UserFactory())
    for q in ["#zorglub-tthidden", "tthidden", "zorglub-tthidden"]:
        assert client.get("/search/suggest/", {"q": q}).json()["tags"] == []
        response = client.get("/search/", {"q": q})
        assert "tthidden" not in _without_echo(response.content.decode(), q)


def test_hidden_posts_and_deleted_posts_are_never_found(client, world):
    community = world.communities["free"]
    PostFactory(community=community, body="Zorglub qqremoved", status="hidden")
    PostFactory(community=community, body="Zorglub qqremoved", status="deleted")
    client.force_login(_site_admin(world))
    response = client.get("/search/", {"q": "qqremoved"})
    counts = {s.name: s.count for s in response.context["sections"]}
    assert counts["posts"] == 0


def test_filters_cannot_reach_past_the_access_rules(client, world):
    client.force_login(UserFactory())
    hidden = world.communities["hidden"]
    response = client.get(
        "/search/posts/", {"q": "zorglub", "community": hidden.slug, "tag": "zorglub-tthidden"}
    )
    assert response.status_code == 200
    # Not a community they may discover: refused like any unknown value, nothing shown.
    assert "community" in response.context["form"].errors
    content = response.content.decode()
    assert "cchidden" not in content
    assert "qqhidden" not in content
    response = client.get("/search/posts/", {"q": "zorglub", "tag": "zorglub-tthidden"})
    assert response.context["page"].paginator.count == 0
    response = client.get("/search/posts/", {"q": "#zorglub-tthidden"})
    assert response.context["page"].paginator.count == 0


def test_externals_find_only_their_co_members_and_sponsor(client, world):
    external = _external(world)
    client.force_login(external)
    for q in ["@zorglub", "zorglub", "outsider", "@outsider"]:
        data = client.get("/search/suggest/", {"q": q}).json()
        assert "Zorglub Outsider" not in {p["label"] for p in data["people"]}
        response = client.get("/search/", {"q": q})
        assert "Outsider" not in _without_echo(response.content.decode(), q)
    response = client.get("/search/people/", {"q": "zorglub", "department": "IT"})
    names = {p.last_name for p in response.context["page"].object_list}
    assert names <= {"Author", "Sponsor", "Comember"}
    assert "Outsider" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in ["/search/", "/search/posts/", "/search/suggest/"]:
        response = client.get(url, {"q": "zorglub"})
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_an_unknown_section_is_not_found(client, employee):
    client.force_login(employee)
    assert client.get("/search/secrets/", {"q": "x"}).status_code == 404
