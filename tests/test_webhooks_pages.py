"""The webhooks pages of a community (under its management pages, no JavaScript
needed) and Django admin: who may open them (a community one may not discover answers
404, one one may not manage 403), registering with the secret shown once, bad input
kept and explained, the delivery log, and query counts that do not grow."""

import pytest
from django.test import Client

from audit.models import AuditEntry
from communities.models import Community, Membership
from webhooks import services
from webhooks.models import Attempt, Delivery, Event, Hook

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]

PUBLIC = "https://93.184.215.14/hooks"  # a public address, literal: no DNS in tests


def signed_in(user, **headers) -> Client:
    client = Client(**headers)
    client.force_login(user)
    return client


def community_of(kind: str):
    if kind == "hidden":
        community = CommunityFactory(
            access=Community.Access.CLOSED, visibility=Community.Visibility.HIDDEN
        )
    else:
        community = CommunityFactory(access=Community.Access.OPEN)
    people = {
        "manager": MembershipFactory(community=community, role=Membership.Role.MANAGER).user,
        "moderator": MembershipFactory(community=community, role=Membership.Role.MODERATOR).user,
        "member": MembershipFactory(community=community).user,
        "employee": UserFactory(),
        "external": ExternalFactory(),
        "admin": UserFactory(is_staff=True, is_superuser=True),
        "other_manager": MembershipFactory(
            community=CommunityFactory(), role=Membership.Role.MANAGER
        ).user,
    }
    return community, people


def pages(community, hook) -> list[str]:
    base = f"/communities/{community.slug}/webhooks/"
    return [base, f"{base}{hook.pk}/", f"{base}{hook.pk}/rotate/", f"{base}{hook.pk}/delete/"]


EXPECTED = {
    # role: (visible open community, hidden closed community)
    "manager": (200, 200),
    "admin": (200, 200),
    "moderator": (403, 403),
    "member": (403, 403),
    "employee": (403, 404),
    "external": (404, 404),
    "other_manager": (403, 404),
}


@pytest.mark.parametrize("kind", ["visible", "hidden"])
@pytest.mark.parametrize("role", list(EXPECTED))
def test_access_matrix_of_the_pages(kind, role):
    community, people = community_of(kind)
    hook = services.hook_create(
        actor=people["manager"], community=community, url=PUBLIC, events=[Event.POST_PUBLISHED]
    )
    client = signed_in(people[role])
    expected = EXPECTED[role][kind == "hidden"]
    for path in pages(community, hook):
        response = client.get(path)
        assert response.status_code == expected, (path, response.status_code)
        if expected != 200:
            assert hook.url not in response.content.decode()
        # A POST changes nothing for whoever may not manage.
        if expected != 200:
            assert client.post(path, {"url": PUBLIC}).status_code == expected
    hook.refresh_from_db()
    assert Hook.objects.count() == 1 and hook.is_active


def test_signed_out_people_are_sent_to_sign_in():
    community, people = community_of("visible")
    response = Client().get(f"/communities/{community.slug}/webhooks/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_hook_of_another_community_answers_404():
    community, people = community_of("visible")
    other, other_people = community_of("visible")
    foreign = services.hook_create(
        actor=other_people["manager"], community=other, url=PUBLIC, events=[Event.POST_PUBLISHED]
    )
    client = signed_in(people["manager"])
    for path in pages(community, foreign)[1:]:
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404
    assert Hook.objects.get().secret == foreign.secret


def test_the_management_block_links_to_the_webhooks():
    community, people = community_of("visible")
    page = signed_in(people["manager"]).get(f"/communities/{community.slug}/")
    assert f"/communities/{community.slug}/webhooks/" in page.content.decode()
    page = signed_in(people["member"]).get(f"/communities/{community.slug}/")
    assert "/webhooks/" not in page.content.decode()


def test_registering_shows_the_secret_once():
    community, people = community_of("visible")
    client = signed_in(people["manager"])
    url = f"/communities/{community.slug}/webhooks/"
    response = client.post(url, {"url": PUBLIC, "events": ["post.published", "member.joined"]})
    assert response.status_code == 200
    hook = Hook.objects.get()
    assert hook.owner == people["manager"] and hook.events == ["post.published", "member.joined"]
    assert hook.secret in response.content.decode()
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    )
    assert AuditEntry.objects.filter(action="webhook.created").count() == 1
    again = client.get(url).content.decode()
    assert PUBLIC in again and hook.secret not in again
    assert hook.secret not in client.get(f"{url}{hook.pk}/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "http://hooks.example.com/x", "events": ["post.published"]}, "Only https://"),
        ({"url": "https://10.0.0.8/x", "events": ["post.published"]}, "private or reserved"),
        ({"url": PUBLIC, "events": []}, "Choose at least one event."),
        ({"url": "", "events": ["post.published"]}, "This field is required."),
    ],
)
def test_bad_input_is_explained_kept_and_changes_nothing(data, message):
    community, people = community_of("visible")
    client = signed_in(people["manager"])
    audited = AuditEntry.objects.count()
    response = client.post(f"/communities/{community.slug}/webhooks/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if data["url"]:
        assert f'value="{data["url"]}"' in html
    assert not Hook.objects.exists() and AuditEntry.objects.count() == audited


def test_bad_input_in_french():
    community, people = community_of("visible")
    response = signed_in(people["manager"], HTTP_ACCEPT_LANGUAGE="fr").post(
        f"/communities/{community.slug}/webhooks/", {"url": "http://x.example.com/", "events": []}
    )
    html = response.content.decode()
    assert "Seules les adresses https:// sont acceptées." in html
    assert "Choisissez au moins un événement." in html


def test_changing_switching_off_rotating_and_deleting_through_the_pages():
    community, people = community_of("visible")
    client = signed_in(people["manager"])
    hook = services.hook_create(
        actor=people["manager"], community=community, url=PUBLIC, events=[Event.POST_PUBLISHED]
    )
    base = f"/communities/{community.slug}/webhooks/{hook.pk}/"
    changed = client.post(base, {"url": PUBLIC + "/v2", "events": ["member.left"]})
    assert changed.status_code == 302
    hook.refresh_from_db()
    assert (hook.url, hook.events, hook.is_active) == (PUBLIC + "/v2", ["member.left"], False)
    refused = client.post(base, {"url": "https://169.254.169.254/", "events": ["member.left"]})
    assert refused.status_code == 400
    hook.refresh_from_db()
    assert hook.url == PUBLIC + "/v2"
    secret = hook.secret
    assert "new secret" in client.get(base + "rotate/").content.decode()
    rotated = client.post(base + "rotate/")
    hook.refresh_from_db()
    assert hook.secret != secret and hook.secret in rotated.content.decode()
    deleted = client.post(base + "delete/")
    assert deleted.status_code == 302 and not Hook.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"webhook.updated", "webhook.secret_rotated", "webhook.deleted"} <= actions


def _log(hook, n: int) -> None:
    for i in range(n):
        delivery = Delivery.objects.create(
            hook=hook, event=Event.POST_PUBLISHED, refs={"post": i}, status="failed"
        )
        Attempt.objects.create(
            delivery=delivery, number=1, outcome="failed", status_code=500, error="HTTP 500"
        )


def test_the_delivery_log_shows_each_attempt():
    community, people = community_of("visible")
    hook = services.hook_create(
        actor=people["manager"], community=community, url=PUBLIC, events=[Event.POST_PUBLISHED]
    )
    _log(hook, 2)
    html = signed_in(people["manager"]).get(f"/communities/{community.slug}/webhooks/{hook.pk}/")
    text = html.content.decode()
    assert text.count("HTTP 500") == 2
    assert str(Delivery.objects.first().uid) in text


@pytest.mark.parametrize("rows", [1, 12])
def test_queries_of_the_pages_do_not_grow(rows, django_assert_max_num_queries):
    community, people = community_of("visible")
    hooks = [
        services.hook_create(
            actor=people["manager"], community=community, url=PUBLIC, events=[Event.POST_PUBLISHED]
        )
        for _ in range(rows)
    ]
    _log(hooks[0], rows)
    client = signed_in(people["manager"])
    client.get("/")  # the session and the charter, warmed up
    with django_assert_max_num_queries(14):
        assert client.get(f"/communities/{community.slug}/webhooks/").status_code == 200
    with django_assert_max_num_queries(14):
        path = f"/communities/{community.slug}/webhooks/{hooks[0].pk}/"
        assert client.get(path).status_code == 200


# Django admin ---------------------------------------------------------------------------


def test_an_administrator_registers_a_hook_in_admin(admin_user):
    community, _people = community_of("visible")
    client = signed_in(admin_user)
    assert client.get("/admin/webhooks/hook/add/").status_code == 200
    response = client.post(
        "/admin/webhooks/hook/add/",
        {"community": community.pk, "url": PUBLIC, "events": ["post.published"], "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    hook = Hook.objects.get()
    assert hook.owner == admin_user
    assert hook.secret in response.content.decode()  # shown once, in the message
    assert AuditEntry.objects.filter(action="webhook.created", client="admin").count() == 1
    page = client.get(f"/admin/webhooks/hook/{hook.pk}/change/").content.decode()
    assert hook.secret not in page


def test_admin_refuses_a_private_address(admin_user):
    community, _people = community_of("visible")
    response = signed_in(admin_user).post(
        "/admin/webhooks/hook/add/",
        {"community": community.pk, "url": "https://192.168.1.1/", "events": ["post.published"]},
    )
    assert response.status_code == 200
    assert "private or reserved network" in response.content.decode()
    assert not Hook.objects.exists()


@pytest.mark.parametrize("path", ["/admin/webhooks/hook/", "/admin/webhooks/delivery/"])
def test_admin_lists_open(admin_user, path):
    community, people = community_of("visible")
    hook = services.hook_create(
        actor=people["manager"], community=community, url=PUBLIC, events=[Event.POST_PUBLISHED]
    )
    _log(hook, 3)
    assert signed_in(admin_user).get(path).status_code == 200
    delivery = Delivery.objects.first()
    assert (
        signed_in(admin_user).get(f"/admin/webhooks/delivery/{delivery.pk}/change/").status_code
        == 200
    )
