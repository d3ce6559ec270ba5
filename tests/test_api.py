"""The API (/api/v1/): tokens, errors, the charter gate, writes through the services,
throttling, ETags, the schema and its docs (README, "API")."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from api.models import PersonalAccessToken, hash_token
from audit.models import AuditEntry
from communities.models import Community, Membership
from moderation.models import Sanction
from posts.models import Comment, Like, Post

from .api_helpers import ApiClient, api_as, is_problem, token_for
from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guild():
    return CommunityFactory(name="Python guild", slug="python", access=Community.Access.OPEN)


@pytest.fixture
def member(guild):
    return MembershipFactory(community=guild).user


# --- Tokens -----------------------------------------------------------------------------


def test_a_token_created_on_the_account_page_is_shown_once_and_stored_hashed(client, employee):
    client.force_login(employee)
    response = client.post(
        "/me/api-tokens/", {"name": "Intranet widget", "scopes": ["read"], "days": "30"}
    )
    assert response.status_code == 200
    raw = response.context["created"]
    assert raw.startswith("rse_pat_") and raw in response.content.decode()
    token = PersonalAccessToken.objects.get(user=employee)
    assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    assert token.scopes == ["read"]
    assert AuditEntry.objects.filter(action="api.token_created", actor=employee).exists()
    # Shown once: the next visit lists it by its first characters only.
    again = client.get("/me/api-tokens/")
    assert raw not in again.content.decode() and token.token_hint in again.content.decode()
    assert ApiClient(raw).get("/api/v1/me/").json()["username"] == employee.username


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scopes": ["read"], "days": "30"}, "This field is required"),
        ({"name": "x", "scopes": [], "days": "30"}, "This field is required"),
        ({"name": "x", "scopes": ["read"], "days": "1000"}, "less than or equal to 365"),
        ({"name": "x", "scopes": ["moderate"], "days": "30"}, "not one of the available"),
    ],
)
def test_bad_token_requests_are_refused_with_a_message(client, employee, data, message):
    client.force_login(employee)
    response = client.post("/me/api-tokens/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def test_revocation_is_effective_on_the_next_request(client, employee):
    raw = token_for(employee)
    api = ApiClient(raw)
    assert api.get("/api/v1/me/").status_code == 200
    client.force_login(employee)
    token = PersonalAccessToken.objects.get(user=employee)
    assert client.post(f"/me/api-tokens/{token.pk}/revoke/").status_code == 302
    response = api.get("/api/v1/me/")
    assert is_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEntry.objects.filter(action="api.token_revoked", actor=employee).exists()


def test_nobody_revokes_someone_else_s_token(client, employee):
    token = PersonalAccessToken.objects.get(pk=_token_pk(UserFactory()))
    client.force_login(employee)
    assert client.post(f"/me/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def _token_pk(user) -> int:
    token_for(user)
    return PersonalAccessToken.objects.get(user=user).pk


def test_an_expired_token_is_refused(employee):
    raw = token_for(employee, days=1)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert is_problem(ApiClient(raw).get("/api/v1/me/"), 401)


def test_a_closed_account_s_token_is_refused(employee):
    raw = token_for(employee)
    employee.is_active = False
    employee.save(update_fields=["is_active"])
    assert is_problem(ApiClient(raw).get("/api/v1/me/"), 401)


def test_an_unknown_token_and_no_token_are_refused():
    assert is_problem(ApiClient("rse_pat_nope").get("/api/v1/me/"), 401)
    assert is_problem(ApiClient().get("/api/v1/stream/"), 401)


def test_a_read_only_token_cannot_write(member, guild):
    api = api_as(member, scopes=["read"])
    assert api.get(f"/api/v1/communities/{guild.slug}/posts/").status_code == 200
    response = api.post("/api/v1/posts/", {"community": guild.slug, "body": "Hi"})
    assert is_problem(response, 403)
    assert "write" in response.json()["detail"]
    assert not Post.objects.exists()


def test_a_write_only_token_cannot_read(member, guild):
    api = api_as(member, scopes=["write"])
    assert is_problem(api.get("/api/v1/stream/"), 403)


def test_only_moderators_give_a_token_the_moderate_scope(employee, site_moderator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="moderators"):
        token_for(employee, scopes=["read", "moderate"])
    assert token_for(site_moderator, scopes=["read", "moderate"])


# --- Errors -----------------------------------------------------------------------------


def test_unknown_addresses_answer_a_problem(employee):
    api = api_as(employee)
    assert is_problem(api.get("/api/v1/nothing-here/"), 404)
    assert is_problem(api.get("/api/v2/"), 404)
    assert is_problem(api.get("/api/v1/posts/999999/"), 404)


def test_bad_input_names_the_field_and_changes_nothing(member, guild):
    api = api_as(member)
    response = api.post("/api/v1/posts/", {"community": guild.slug})
    assert is_problem(response, 400)
    assert "body" in response.json()["errors"]
    response = api.post("/api/v1/posts/", {"community": guild.slug, "body": "   "})
    assert is_problem(response, 400)
    assert "Write something" in response.json()["detail"]
    response = api.post("/api/v1/posts/", "{not json", content_type="application/json")
    assert is_problem(response, 400)
    assert is_problem(api.post("/api/v1/posts/", [None, None]), 400)
    assert is_problem(api.post(f"/api/v1/communities/{guild.slug}/join/", [1]), 400)
    assert is_problem(api.get("/api/v1/stream/?cursor=garbage"), 400)
    assert is_problem(api.get("/api/v1/stream/?filter=everything"), 400)
    assert is_problem(api.get("/api/v1/communities/?page_size=0"), 400)
    assert not Post.objects.exists()


def test_a_method_the_endpoint_does_not_serve_is_a_problem(employee):
    assert is_problem(api_as(employee).delete("/api/v1/stream/"), 405)


# --- The charter gate, mutes, bans ------------------------------------------------------


def test_a_write_before_accepting_the_charter_names_the_charter(guild):
    newcomer = MembershipFactory(community=guild, user=UserFactory(accepted_charter=False)).user
    api = api_as(newcomer)
    response = api.post("/api/v1/posts/", {"community": guild.slug, "body": "Hello"})
    assert is_problem(response, 403)
    body = response.json()
    assert body["type"].endswith("charter-not-accepted")
    assert body["charter_url"].endswith("/charter/")
    assert not Post.objects.exists()
    # Reading and accepting stay possible.
    charter = api.get("/api/v1/charter/").json()
    assert charter["accepted"] is False
    accepted = api.post("/api/v1/charter/accept/", {"version": charter["number"]})
    assert accepted.status_code == 200 and accepted.json()["accepted"] is True
    entry = AuditEntry.objects.get(action="charter.accepted", actor=newcomer)
    assert entry.client == "api"
    assert api.post("/api/v1/posts/", {"community": guild.slug, "body": "Hello"}).status_code == 201


def test_a_muted_member_cannot_post_nor_comment(member, guild):
    post = PostFactory(community=guild)
    Sanction.objects.create(
        user=member, kind=Sanction.Kind.MUTE, ends_at=timezone.now() + timedelta(days=1)
    )
    api = api_as(member)
    assert is_problem(api.post("/api/v1/posts/", {"community": guild.slug, "body": "x"}), 403)
    assert is_problem(api.post(f"/api/v1/posts/{post.pk}/comments/", {"body": "x"}), 403)
    assert is_problem(api.put(f"/api/v1/posts/{post.pk}/like/"), 403)
    assert not Comment.objects.exists() and not Like.objects.exists()


def test_a_banned_person_reads_nothing_of_the_community(guild):
    banned = MembershipFactory(community=guild, status=Membership.Status.BANNED).user
    post = PostFactory(community=guild)
    api = api_as(banned)
    assert is_problem(api.get(f"/api/v1/communities/{guild.slug}/posts/"), 403)
    assert is_problem(api.get(f"/api/v1/posts/{post.pk}/"), 404)


# --- Writes through the services --------------------------------------------------------


def test_post_comment_reply_like_edit_and_delete(member, guild):
    api = api_as(member)
    created = api.post(
        "/api/v1/posts/", {"community": guild.slug, "body": "Hello **guild**", "tags": "news"}
    )
    assert created.status_code == 201
    post = created.json()
    assert post["community"] == {"slug": "python", "name": "Python guild"}
    assert post["tags"] == [{"slug": "news", "name": "news"}]
    pk = post["id"]
    comment = api.post(f"/api/v1/posts/{pk}/comments/", {"body": "First"}).json()
    reply = api.post(f"/api/v1/posts/{pk}/comments/", {"body": "Re", "parent": comment["id"]})
    assert reply.status_code == 201 and reply.json()["parent"] == comment["id"]
    thread = api.get(f"/api/v1/posts/{pk}/comments/").json()["results"]
    assert [c["id"] for c in thread] == [comment["id"]]
    assert [r["body"] for r in thread[0]["replies"]] == ["Re"]
    assert api.put(f"/api/v1/posts/{pk}/like/").json() == {"liked": True, "count": 1}
    assert api.put(f"/api/v1/posts/{pk}/like/").json() == {"liked": True, "count": 1}
    assert api.delete(f"/api/v1/posts/{pk}/like/").json() == {"liked": False, "count": 0}
    assert api.put(f"/api/v1/comments/{comment['id']}/like/").json()["liked"] is True
    edited = api.patch(f"/api/v1/posts/{pk}/", {"body": "Hello again"})
    assert edited.status_code == 200 and edited.json()["edited_at"]
    assert api.patch(f"/api/v1/comments/{comment['id']}/", {"body": "Edited"}).status_code == 200
    assert api.delete(f"/api/v1/comments/{comment['id']}/").status_code == 204
    assert api.delete(f"/api/v1/posts/{pk}/").status_code == 204
    assert is_problem(api.get(f"/api/v1/posts/{pk}/"), 404)
    deleted = AuditEntry.objects.get(action="post.deleted", actor=member)
    assert deleted.client == "api"


def test_nobody_edits_or_deletes_someone_else_s_post(member, guild):
    post = PostFactory(community=guild, body="Mine")
    api = api_as(member)
    assert is_problem(api.patch(f"/api/v1/posts/{post.pk}/", {"body": "Yours"}), 403)
    assert is_problem(api.delete(f"/api/v1/posts/{post.pk}/"), 403)
    post.refresh_from_db()
    assert post.body == "Mine" and post.status == "published"


def test_a_post_with_an_attachment_by_multipart(member, guild, settings, tmp_path):
    from .posts_stream_factories import pdf_upload

    settings.MEDIA_ROOT = tmp_path
    response = api_as(member).client.post(
        "/api/v1/posts/",
        {"community": guild.slug, "body": "The plan", "attachments": [pdf_upload("plan.pdf")]},
        headers=api_as(member).headers,
    )
    assert response.status_code == 201
    assert [a["name"] for a in response.json()["attachments"]] == ["plan.pdf"]


def test_join_request_approve_and_leave(guild, employee):
    manager = MembershipFactory(community=guild, role=Membership.Role.MANAGER).user
    api = api_as(employee)
    standing = api.post(f"/api/v1/communities/{guild.slug}/join/", {"message": "Please"})
    assert standing.status_code == 200 and standing.json()["me"]["membership"] == "requested"
    boss = api_as(manager)
    assert is_problem(api.get(f"/api/v1/communities/{guild.slug}/pending/"), 403)
    assert is_problem(boss_invites_a_list(manager, guild), 400)
    pending = boss.get(f"/api/v1/communities/{guild.slug}/pending/").json()
    assert [p["person"]["username"] for p in pending] == [employee.username]
    decided = boss.post(
        f"/api/v1/communities/{guild.slug}/pending/{pending[0]['id']}/", {"decision": "approve"}
    )
    assert decided.status_code == 200 and decided.json()["status"] == "active"
    entry = AuditEntry.objects.get(action="membership.approved")
    assert entry.client == "api" and entry.actor == manager
    assert api.post(f"/api/v1/communities/{guild.slug}/leave/").status_code == 204
    assert Membership.objects.get(user=employee).status == Membership.Status.LEFT


def boss_invites_a_list(manager, guild):
    return api_as(manager).post(f"/api/v1/communities/{guild.slug}/invitations/", [None, None])


def test_a_free_community_is_joined_at_once_and_a_closed_one_refused(employee):
    free = CommunityFactory(access=Community.Access.FREE)
    closed = CommunityFactory(access=Community.Access.CLOSED)
    api = api_as(employee)
    assert api.post(f"/api/v1/communities/{free.slug}/join/").json()["me"]["membership"] == (
        "active"
    )
    assert is_problem(api.post(f"/api/v1/communities/{closed.slug}/join/"), 403)


def test_follow_people_and_tags(member, guild, employee):
    PostFactory(community=guild, tags=["python"])
    api = api_as(member)
    assert api.put(f"/api/v1/people/{employee.username}/follow/").json() == {"following": True}
    assert is_problem(api.put(f"/api/v1/people/{employee.username}/follow/"), 400)
    assert api.delete(f"/api/v1/people/{employee.username}/follow/").json() == {"following": False}
    assert api.put("/api/v1/tags/python/follow/").json() == {"following": True}
    assert api.get("/api/v1/tags/python/follow/").json() == {"following": True}
    assert api.delete("/api/v1/tags/python/follow/").json() == {"following": False}


def test_notifications_list_count_and_mark_read(member, guild):
    author = UserFactory()
    post = PostFactory(community=guild, author=member)
    MembershipFactory(community=guild, user=author)
    from posts import services

    services.comment_create(actor=author, post=post, body="Nice")
    api = api_as(member)
    assert api.get("/api/v1/notifications/unread/").json() == {"unread": 1}
    items = api.get("/api/v1/notifications/").json()["results"]
    assert [n["kind"] for n in items] == ["commented"]
    assert api.post(f"/api/v1/notifications/{items[0]['id']}/read/").json() == {"marked": 1}
    assert api.get("/api/v1/notifications/unread/").json() == {"unread": 0}
    other = api_as(author)
    assert is_problem(other.post(f"/api/v1/notifications/{items[0]['id']}/read/"), 404)


# --- Pagination, ETags, throttling, session ---------------------------------------------


def test_the_stream_pages_by_cursor_without_gaps_or_repeats(member, guild, settings):
    settings.RSE_STREAM_PAGE_SIZE = 3
    made = [PostFactory(community=guild).pk for _ in range(7)]
    api = api_as(member)
    seen, url = [], f"/api/v1/communities/{guild.slug}/posts/"
    while url:
        page = api.get(url).json()
        seen += [p["id"] for p in page["results"]]
        url = page["next"]
    assert seen == sorted(made, reverse=True)


def test_reads_carry_an_etag_and_answer_304_when_unchanged(member, guild):
    PostFactory(community=guild)
    api = api_as(member)
    first = api.get(f"/api/v1/communities/{guild.slug}/posts/")
    etag = first["ETag"]
    assert etag and first["Cache-Control"] == "private, no-cache"
    again = api.get(f"/api/v1/communities/{guild.slug}/posts/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    PostFactory(community=guild)
    changed = api.get(f"/api/v1/communities/{guild.slug}/posts/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_too_many_calls_answer_429_with_retry_after(employee, settings):
    settings.RSE_API_RATE_PER_TOKEN = "3/minute"
    api = api_as(employee)
    for _ in range(3):
        assert api.get("/api/v1/me/").status_code == 200
    response = api.get("/api/v1/me/")
    assert is_problem(response, 429)
    assert int(response["Retry-After"]) > 0
    # Per token: another token of the same person has its own budget...
    assert api_as(employee).get("/api/v1/me/").status_code == 200


def test_the_person_s_budget_covers_all_their_tokens(employee, settings):
    settings.RSE_API_RATE_PER_PERSON = "2/minute"
    assert api_as(employee).get("/api/v1/me/").status_code == 200
    assert api_as(employee).get("/api/v1/me/").status_code == 200
    assert is_problem(api_as(employee).get("/api/v1/me/"), 429)


def test_the_site_s_session_works_with_its_csrf_token(member, guild):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get("/api/v1/me/").json()["scopes"] == ["moderate", "read", "write"]
    refused = client.post(
        "/api/v1/posts/", {"community": guild.slug, "body": "Hi"}, content_type="application/json"
    )
    assert is_problem(refused, 403) and "CSRF" in refused.json()["detail"]
    client.get("/me/api-tokens/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/posts/",
        {"community": guild.slug, "body": "Hi"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201


# --- Schema and docs --------------------------------------------------------------------


def test_the_schema_and_its_docs_are_served_by_the_app(client):
    schema = client.get("/api/v1/schema/", headers={"Accept": "application/json"})
    assert schema.status_code == 200
    assert "/api/v1/communities/{slug}/posts/" in schema.json()["paths"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "<script>" not in html and "http" not in html.split("<body>")[1].split("swagger-ui")[0]


def test_the_schema_is_valid_openapi_without_a_warning(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/moderation/cases/{id}/decision/" in target.read_text()
