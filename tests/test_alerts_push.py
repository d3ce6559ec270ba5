"""Web Push end to end: the site encrypts and signs each push with pywebpush and sends
it over HTTP to a push service on 127.0.0.1 that checks the VAPID signature and
decrypts it (tests/push_service.py). A push never carries what the recipient may no
longer read; it follows working hours; subscriptions are listed and revocable."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from alerts import push, quiet
from alerts.management.commands.alerts_vapid_keys import make_keys
from alerts.models import HeldDelivery, PushLog, PushSettings, PushSubscription
from communities import memberships
from communities.models import Community, Membership
from notifications.models import Kind, Notification
from posts import services as posts

from .alerts_factories import community_with
from .factories import UserFactory
from .push_service import Browser, PushService, b64, verify_vapid

# Tasks run in the test process, with or without a broker (REDIS_URL).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]

PUBLIC, PRIVATE = make_keys()


@pytest.fixture
def service(settings):
    settings.RSE_VAPID_PUBLIC_KEY = PUBLIC
    settings.RSE_VAPID_PRIVATE_KEY = PRIVATE
    settings.RSE_VAPID_SUBJECT = "mailto:ops@example.com"
    settings.RSE_PUSH_INSECURE_HOSTS = ["127.0.0.1"]
    with PushService() as running:
        yield running


def subscribe(user, service, name="phone") -> Browser:
    browser = Browser()
    push.subscription_add(
        actor=user,
        endpoint=service.endpoint(name),
        p256dh=browser.p256dh,
        auth=b64(browser.auth),
        user_agent="Test phone",
    )
    return browser


def test_a_mention_is_pushed_encrypted_signed_and_without_the_post_text(
    service, django_capture_on_commit_callbacks
):
    community, _manager, (author, reader) = community_with(access=Community.Access.CLOSED)
    browser = subscribe(reader, service)
    with django_capture_on_commit_callbacks(execute=True):
        post = posts.post_create(
            actor=author, community=community, body=f"@{reader.username} the secret plan"
        )
    assert len(service.received) == 1
    got = service.received[0]
    assert got.headers["content-encoding"] == "aes128gcm"
    assert b"secret plan" not in got.body
    claims = verify_vapid(got.headers["authorization"], PUBLIC, service.origin)
    assert claims["sub"] == "mailto:ops@example.com"
    payload = browser.decrypt(got.body)
    note = Notification.objects.get(recipient=reader, kind=Kind.MENTIONED)
    assert payload["id"] == note.pk and payload["url"] == f"/notifications/{note.pk}/open/"
    assert author.get_full_name() in payload["body"]
    assert "secret plan" not in json.dumps(payload)
    assert PushLog.objects.get(notification=note).devices == 1
    assert PushSubscription.objects.get(user=reader).last_push_at is not None
    assert post.pk


def test_nothing_is_pushed_to_someone_who_may_no_longer_read(
    service, django_capture_on_commit_callbacks
):
    community, manager, (author, reader) = community_with(access=Community.Access.CLOSED)
    subscribe(reader, service)
    with django_capture_on_commit_callbacks(execute=False) as scheduled:
        posts.post_create(actor=author, community=community, body=f"@{reader.username} hi")
    memberships.membership_remove(
        actor=manager, membership=Membership.objects.get(community=community, user=reader)
    )
    for callback in scheduled:
        callback()
    assert service.received == []


def test_kinds_not_chosen_are_not_pushed(service, django_capture_on_commit_callbacks):
    community, _manager, (author, reader) = community_with(access=Community.Access.CLOSED)
    subscribe(reader, service)
    push.push_kinds_set(actor=reader, kinds=[Kind.ANNOUNCEMENT])
    with django_capture_on_commit_callbacks(execute=True):
        posts.post_create(actor=author, community=community, body=f"@{reader.username} hi")
    assert service.received == []


def test_new_post_fan_out_pushes_to_those_who_chose_it(service, django_capture_on_commit_callbacks):
    community, _manager, (author, keen, calm) = community_with(members=3)
    keen_browser = subscribe(keen, service, "keen")
    subscribe(calm, service, "calm")  # new posts are not pushed by default
    push.push_kinds_set(actor=keen, kinds=[Kind.NEW_POST])
    with django_capture_on_commit_callbacks(execute=True):
        posts.post_create(actor=author, community=community, body="Lunch at noon")
    assert [r.path for r in service.received] == ["/push/keen"]
    assert keen_browser.decrypt(service.received[0].body)["body"].startswith(author.get_full_name())


def test_pushes_wait_for_working_hours(service, settings, django_capture_on_commit_callbacks):
    settings.RSE_QUIET_HOURS_DEFAULT = True
    settings.RSE_WORK_TIME_ZONE = "Europe/Paris"
    evening = datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
    morning = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    community, _manager, (author, reader) = community_with(access=Community.Access.CLOSED)
    browser = subscribe(reader, service)
    with time_machine.travel(evening, tick=False), django_capture_on_commit_callbacks(execute=True):
        posts.post_create(actor=author, community=community, body=f"@{reader.username} hi")
    assert service.received == []
    assert HeldDelivery.objects.get(channel="push").release_at == morning
    with time_machine.travel(morning, tick=False):
        assert quiet.held_release() >= 1
        quiet.held_release()
    assert len(service.received) == 1  # once
    assert browser.decrypt(service.received[0].body)["id"]


def test_a_device_the_push_service_forgot_is_removed(service, django_capture_on_commit_callbacks):
    community, _manager, (author, reader) = community_with(access=Community.Access.CLOSED)
    subscribe(reader, service)
    service.status = 410
    with django_capture_on_commit_callbacks(execute=True):
        posts.post_create(actor=author, community=community, body=f"@{reader.username} hi")
    assert len(service.received) == 1
    assert not PushSubscription.objects.exists()


def signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_subscribe_list_and_revoke_from_the_settings_page(service):
    person = UserFactory()
    browser = Browser()
    client = signed_in(person)
    body = {
        "endpoint": service.endpoint("mine"),
        "keys": {"p256dh": browser.p256dh, "auth": b64(browser.auth)},
    }
    response = client.post(
        "/alerts/push/subscribe/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201
    page = client.get("/notifications/settings/").content.decode()
    assert "Receive pushes on this device" in page and "Stop pushes to this device" in page
    device = PushSubscription.objects.get(user=person)
    assert signed_in(UserFactory()).post(f"/alerts/push/{device.pk}/revoke/").status_code == 404
    assert client.post(f"/alerts/push/{device.pk}/revoke/").status_code == 302
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"endpoint": "http://evil.example/push"}, "not a push service"),
        ({"endpoint": "file:///etc/passwd"}, "not a push service"),
        ({"keys": {"p256dh": "short", "auth": "x"}}, "invalid key"),
        ({"keys": None}, "invalid key"),
    ],
)
def test_bad_subscriptions_are_refused(service, change, message):
    browser = Browser()
    body = {
        "endpoint": service.endpoint("x"),
        "keys": {"p256dh": browser.p256dh, "auth": "AAAAAAAAAAAAAAAAAAAAAA"},
        **change,
    }
    response = signed_in(UserFactory()).post(
        "/alerts/push/subscribe/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400 and message in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_not_json_is_refused(service):
    response = signed_in(UserFactory()).post(
        "/alerts/push/subscribe/", "{nope", content_type="application/json"
    )
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_push_kinds_form(service):
    person = UserFactory()
    client = signed_in(person)
    assert client.post("/alerts/push/kinds/", {"kinds": ["mentioned"]}).status_code == 302
    assert PushSettings.objects.get(user=person).kinds == ["mentioned"]
    response = client.post("/alerts/push/kinds/", {"kinds": ["shouting"]})
    assert response.status_code == 400
    assert "Choose kinds of notification from the list." in response.content.decode() or (
        "valid choice" in response.content.decode()
    )
    assert PushSettings.objects.get(user=person).kinds == ["mentioned"]


def test_without_vapid_keys_push_is_off(settings):
    settings.RSE_VAPID_PUBLIC_KEY = ""
    page = signed_in(UserFactory()).get("/notifications/settings/").content.decode()
    assert "Push notifications are not set up on this site" in page


def test_the_installable_app_shell():
    client = Client()
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Service-Worker-Allowed"] == "/"
    assert worker["Content-Type"].startswith("application/javascript")
    text = worker.content.decode()
    assert "/alerts/offline/" in text and "showNotification" in text
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["display"] == "standalone" and data["start_url"] == "/"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    offline = client.get("/alerts/offline/")
    assert offline.status_code == 200 and "You are offline" in offline.content.decode()
