"""The read matrix over the API (DESIGN §3, rules 1, 2 and 7): role × community kind ×
endpoint, from the same hand-written table and the same data set as the pages' matrix
(tests/test_read_matrix.py). Every list, detail, count, search and notification
endpoint: hidden communities answer 404 and never appear; externals see only theirs;
a closed account's token is refused."""

import pytest
from django.db import transaction
from django.test import override_settings

from notifications.services import notify

from .api_helpers import ApiClient, token_for
from .test_read_matrix import KINDS, SEES_AUTHOR, TABLE, _build

pytestmark = pytest.mark.django_db

SURFACES = [
    "community",
    "communities list",
    "community posts",
    "members",
    "stream",
    "tag posts",
    "post",
    "comments",
    "like",
    "author",
    "search",
    "search section",
    "notifications",
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The pages' data set, plus a read-and-write token per role."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("api-matrix-media"))
    with django_db_blocker.unblock():
        media.enable()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = _build(media)
            world.clients = {  # type: ignore[assignment]
                role: ApiClient(token_for(person)) for role, person in world.people.items()
            }
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media.disable()


def _get(api, url: str):
    response = api.get(url)
    assert response.status_code != 500
    return response


def _expect(response, role: str, status: int) -> None:
    if role == "closed_account":  # its tokens stop working with the account
        assert response.status_code == 401
    else:
        assert response.status_code == status, response.content


def _ids(response) -> set[int]:
    if response.status_code != 200:
        return set()
    return {item["id"] for item in response.json()["results"]}


CELLS = [(role, kind, surface) for role in TABLE for kind in KINDS for surface in SURFACES]


@pytest.mark.parametrize(("role", "kind", "surface"), CELLS)
def test_api_read_matrix(world, role, kind, surface):
    discover, read = (kind in TABLE[role][0]), (kind in TABLE[role][1])
    community, post = world.communities[kind], world.posts[kind]
    api = world.clients[role]
    short = kind.replace("_", "")
    if surface == "community":
        response = _get(api, f"/api/v1/communities/{community.slug}/")
        _expect(response, role, 200 if discover else 404)
    elif surface == "communities list":
        response = _get(api, "/api/v1/communities/?page_size=100")
        _expect(response, role, 200)
        slugs = {c["slug"] for c in response.json().get("results", [])}
        assert (community.slug in slugs) is (discover and role != "closed_account")
    elif surface == "community posts":
        response = _get(api, f"/api/v1/communities/{community.slug}/posts/")
        _expect(response, role, 200 if read else 403 if discover else 404)
        assert (post.pk in _ids(response)) is (read and role != "closed_account")
    elif surface == "members":
        response = _get(api, f"/api/v1/communities/{community.slug}/members/")
        _expect(response, role, 200 if read else 403 if discover else 404)
    elif surface == "stream":
        response = _get(api, "/api/v1/stream/")
        _expect(response, role, 200)
        assert (post.pk in _ids(response)) is (read and role != "closed_account")
    elif surface == "tag posts":
        response = _get(api, f"/api/v1/tags/zz{short}/posts/")
        _expect(response, role, 200 if read else 404)
        assert (post.pk in _ids(response)) is (read and role != "closed_account")
    elif surface == "post":
        _expect(_get(api, f"/api/v1/posts/{post.pk}/"), role, 200 if read else 404)
    elif surface == "comments":
        _expect(_get(api, f"/api/v1/posts/{post.pk}/comments/"), role, 200 if read else 404)
    elif surface == "like":
        response = api.put(f"/api/v1/posts/{post.pk}/like/")
        if role == "closed_account":
            assert response.status_code == 401
        elif not read:
            assert response.status_code == 404
        else:  # readable: liked, or refused for a reason that names no secret (403)
            assert response.status_code in (200, 403)
    elif surface == "author":
        response = _get(api, f"/api/v1/people/{post.author.username}/")
        _expect(response, role, 200 if role in SEES_AUTHOR else 404)
        if response.status_code == 200:
            member_of = {c["slug"] for c in response.json()["member_of"]}
            assert (community.slug in member_of) is discover
    elif surface == "search":
        response = _get(api, f"/api/v1/search/?q=quokka{short}")
        _expect(response, role, 200)
        found = {
            item["id"]
            for section in response.json().get("sections", [])
            if section["name"] == "posts"
            for item in section["results"]
        }
        assert (post.pk in found) is (read and role != "closed_account")
        response = _get(api, f"/api/v1/search/?q=orchard{short}")
        names = {
            item["slug"]
            for section in response.json().get("sections", [])
            if section["name"] == "communities"
            for item in section["results"]
        }
        assert (community.slug in names) is (discover and role != "closed_account")
    elif surface == "search section":
        response = _get(api, f"/api/v1/search/posts/?q=quokka{short}")
        _expect(response, role, 200)
        assert (post.pk in _ids(response)) is (read and role != "closed_account")
    elif surface == "notifications":
        person = world.people[role]
        told = notify(recipient=person, kind="commented", post=post)
        assert (told is not None) is (read and person.is_active)
        response = _get(api, "/api/v1/notifications/")
        _expect(response, role, 200)
        if response.status_code == 200:
            posts = {n["post"] for n in response.json()["results"]}
            assert (post.pk in posts) is read
            unread = _get(api, "/api/v1/notifications/unread/").json()["unread"]
            assert unread == (1 if read else 0)
