"""Webhooks: a community's manager registers an address for its events; each delivery
is signed, retried with backoff, logged, and never sent (nor carries text) once the
hook's owner may no longer manage (or read) the community. The receiver is real: a
threaded http.server on 127.0.0.1."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from communities import memberships
from communities.models import Community, Membership
from moderation import services as moderation
from moderation.models import Case
from notifications.models import Notification
from posts import services as posts
from webhooks import services
from webhooks.models import Attempt, Delivery, Event, Hook

from . import webhook_receiver
from .communities_factories import MembershipFactory
from .factories import UserFactory
from .moderation_factories import make_cast, reason, reported_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]

ALL_EVENTS = list(Event.values)


@pytest.fixture
def receiver(settings):
    settings.RSE_WEBHOOKS_ALLOW_HTTP_LOCALHOST = True
    receiver, server = webhook_receiver.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def cast():
    return make_cast()


@pytest.fixture
def hook(cast, receiver):
    return services.hook_create(
        actor=cast.manager, community=cast.community, url=receiver.url, events=ALL_EVENTS
    )


receiver_check = webhook_receiver.signature_ok


def publish(author, community, capture, body="Hello hooks"):
    with capture(execute=True):
        return posts.post_create(actor=author, community=community, body=body)


# Delivery, signature ------------------------------------------------------------------


def test_a_post_is_delivered_signed_to_a_real_receiver(
    cast, hook, receiver, django_capture_on_commit_callbacks
):
    receiver.secret = hook.secret
    post = publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    assert receiver.verified == [True]  # checked by the receiver, with the timestamp
    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got.path == "/hooks/rse"
    assert receiver_check(hook.secret, got.headers["RSE-Signature"], got.body)
    assert not receiver_check(hook.secret, got.headers["RSE-Signature"], got.body + b" ")
    assert not receiver_check("whsec_other", got.headers["RSE-Signature"], got.body)
    message = json.loads(got.body)
    delivery = Delivery.objects.get()
    assert got.headers["RSE-Delivery"] == message["id"] == str(delivery.uid)
    assert got.headers["RSE-Event"] == message["type"] == "post.published"
    assert message["community"]["slug"] == cast.community.slug
    assert message["data"]["post"]["id"] == post.pk
    assert message["data"]["post"]["body"] == "Hello hooks"
    assert message["data"]["post"]["url"].endswith(f"/posts/{post.pk}/")
    assert delivery.status == Delivery.Status.SUCCEEDED
    attempt = Attempt.objects.get()
    assert (attempt.outcome, attempt.status_code, attempt.number) == ("succeeded", 200, 1)
    assert attempt.response_excerpt == '{"ok": true}'


def test_each_event_of_a_community_reaches_the_hooks_that_chose_it(
    cast, receiver, django_capture_on_commit_callbacks
):
    only_members = services.hook_create(
        actor=cast.manager,
        community=cast.community,
        url=receiver.url,
        events=[Event.MEMBER_JOINED, Event.MEMBER_LEFT],
    )
    joiner = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post = posts.post_create(actor=cast.author, community=cast.community, body="x")
        posts.comment_create(actor=cast.member, post=post, body="A comment")
        memberships.membership_request(actor=joiner, community=cast.community)
    request = Membership.objects.get(user=joiner)
    with django_capture_on_commit_callbacks(execute=True):
        memberships.membership_approve(actor=cast.manager, membership=request)
        memberships.membership_leave(actor=cast.member, community=cast.community)
    kinds = [json.loads(r.body)["type"] for r in receiver.requests]
    assert kinds == ["member.joined", "member.left"]
    left = json.loads(receiver.requests[1].body)["data"]
    assert left["person"]["id"] == cast.member.pk and left["how"] == "left"
    assert set(Delivery.objects.values_list("hook", flat=True)) == {only_members.pk}


def test_comments_and_decisions_are_delivered(
    cast, hook, receiver, django_capture_on_commit_callbacks
):
    post = reported_post(cast)
    receiver.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment = posts.comment_create(actor=cast.member, post=post, body="Nice")
    message = json.loads(receiver.requests[-1].body)
    assert message["type"] == "comment.added"
    assert message["data"]["comment"]["body"] == "Nice"
    assert message["data"]["comment"]["url"].endswith(f"#comment-{comment.pk}")
    case = Case.objects.get(post=post)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.case_decide(actor=cast.manager, case=case, outcome="hide", reason=reason())
    message = json.loads(receiver.requests[-1].body)
    assert message["type"] == "moderation.case_decided"
    assert message["data"] == {
        "case": case.pk,
        "outcome": "hide",
        "post": {"id": post.pk},
        "comment": None,
    }


def test_an_event_of_a_community_without_hooks_costs_one_query(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        services.event_emit(community_id=cast.community.pk, event=Event.POST_PUBLISHED, refs={})
    assert not Delivery.objects.exists()


# Retries, backoff, disabling ------------------------------------------------------------


def test_backoff_doubles_and_is_capped(settings):
    settings.RSE_WEBHOOKS_BACKOFF_SECONDS = 60
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert services.backoff(30) == timedelta(hours=6)


def test_a_500_is_retried_after_the_backoff(
    cast, hook, receiver, django_capture_on_commit_callbacks
):
    receiver.script = [500]
    publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.RETRYING
    first = Attempt.objects.get()
    assert (first.outcome, first.status_code) == ("failed", 500)
    assert delivery.next_attempt_at == first.at + services.backoff(1)
    # Not due yet: nothing is sent.
    assert services.deliveries_due(now=delivery.next_attempt_at - timedelta(seconds=1)) == 0
    assert services.deliveries_due(now=delivery.next_attempt_at) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SUCCEEDED
    assert delivery.attempts == 2
    assert [r.headers["RSE-Delivery"] for r in receiver.requests] == [str(delivery.uid)] * 2
    assert all(
        receiver_check(hook.secret, r.headers["RSE-Signature"], r.body) for r in receiver.requests
    )
    # Done: running the sweep again sends nothing twice.
    assert (
        services.deliveries_due(now=delivery.next_attempt_at or first.at + timedelta(days=1)) == 0
    )
    assert len(receiver.requests) == 2


def test_a_receiver_that_is_down_is_retried(cast, settings, django_capture_on_commit_callbacks):
    settings.RSE_WEBHOOKS_ALLOW_HTTP_LOCALHOST = True
    services.hook_create(
        actor=cast.manager,
        community=cast.community,
        url="http://127.0.0.1:8209/nobody",  # nothing listens there
        events=[Event.POST_PUBLISHED],
    )
    publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    attempt = Attempt.objects.get()
    assert attempt.outcome == "failed" and attempt.status_code is None
    assert "ConnectionRefused" in attempt.error
    assert Delivery.objects.get().status == Delivery.Status.RETRYING


def test_a_hook_that_keeps_failing_is_switched_off_and_its_owner_told(
    cast, hook, receiver, settings, django_capture_on_commit_callbacks
):
    settings.RSE_WEBHOOKS_MAX_ATTEMPTS = 2
    settings.RSE_WEBHOOKS_DISABLE_AFTER = 2
    receiver.script = [500] * 10
    for text in ("one", "two"):
        publish(cast.author, cast.community, django_capture_on_commit_callbacks, body=text)
    later = Delivery.objects.order_by("next_attempt_at").last().next_attempt_at
    assert services.deliveries_due(now=later) == 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"failed"}
    hook.refresh_from_db()
    assert not hook.is_active and hook.consecutive_failures == 2
    assert "2 deliveries failed in a row" in hook.disabled_reason
    assert AuditEntry.objects.filter(action="webhook.disabled").count() == 1
    note = Notification.objects.get(recipient=cast.manager, data__event="webhook_disabled")
    assert note.community == cast.community
    # Switched off: a new event makes no delivery.
    publish(cast.author, cast.community, django_capture_on_commit_callbacks, body="three")
    assert Delivery.objects.count() == 2 and len(receiver.requests) == 4


def test_a_success_clears_the_failure_count(
    cast, hook, receiver, settings, django_capture_on_commit_callbacks
):
    settings.RSE_WEBHOOKS_MAX_ATTEMPTS = 1
    receiver.script = [500]
    publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    hook.refresh_from_db()
    assert hook.consecutive_failures == 1
    publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0 and hook.is_active


def test_a_4xx_is_not_retried(cast, hook, receiver, django_capture_on_commit_callbacks):
    receiver.script = [410]
    publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    assert Delivery.objects.get().status == Delivery.Status.FAILED


def test_a_broker_down_leaves_the_delivery_to_the_sweep(
    cast, hook, receiver, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from webhooks import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.deliver, "delay", broker_down)
    post = publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    assert post.pk and receiver.requests == []
    assert "left to the sweep" in caplog.text
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert services.deliveries_due(now=delivery.next_attempt_at) == 1
    assert len(receiver.requests) == 1


# The owner's access, checked at send time ----------------------------------------------


def _demote(cast):
    second = UserFactory()
    MembershipFactory(community=cast.community, user=second, role=Membership.Role.MANAGER)
    membership = Membership.objects.get(community=cast.community, user=cast.manager)
    memberships.membership_set_role(actor=second, membership=membership, role="member")


def _deactivate(cast):
    cast.manager.is_active = False
    cast.manager.save(update_fields=["is_active"])


def _hide(cast):
    # The owner left and the community became hidden: they may not even discover it.
    second = UserFactory()
    MembershipFactory(community=cast.community, user=second, role=Membership.Role.MANAGER)
    memberships.membership_leave(actor=cast.manager, community=cast.community)
    Community.objects.filter(pk=cast.community.pk).update(
        visibility=Community.Visibility.HIDDEN, access=Community.Access.CLOSED
    )


@pytest.mark.parametrize("lose_access", [_demote, _deactivate, _hide])
def test_nothing_is_sent_once_the_owner_lost_access(
    cast, hook, receiver, lose_access, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        posts.post_create(actor=cast.author, community=cast.community, body="Secret plans")
    lose_access(cast)
    receiver.requests.clear()
    for callback in callbacks:
        callback()
    assert not [r for r in receiver.requests if b"post.published" in r.body]
    delivery = Delivery.objects.get(event=Event.POST_PUBLISHED)
    assert delivery.status == Delivery.Status.SKIPPED
    attempt = delivery.log.get()
    assert attempt.outcome == "skipped"
    assert "may no longer manage" in attempt.error


def test_text_the_owner_may_no_longer_read_is_left_out(
    cast, hook, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = posts.post_create(actor=cast.author, community=cast.community, body="Oops")
    posts.post_delete(actor=cast.author, post=post)
    for callback in callbacks:
        callback()
    message = json.loads(receiver.requests[0].body)
    assert message["data"]["post"] == {
        "id": post.pk,
        "url": message["data"]["post"]["url"],
    }
    assert b"Oops" not in receiver.requests[0].body


def test_the_address_is_checked_again_at_send_time(
    cast, hook, receiver, settings, django_capture_on_commit_callbacks
):
    settings.RSE_WEBHOOKS_ALLOW_HTTP_LOCALHOST = False  # loopback is now refused
    publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    attempt = Attempt.objects.get()
    assert attempt.outcome == "refused"


# Registering: rules and bad input ------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "events", "field", "message"),
    [
        ("http://hooks.example.com/x", ALL_EVENTS, "url", "Only https:// addresses"),
        ("http://127.0.0.1:8201/x", ALL_EVENTS, "url", "Only https:// addresses"),
        ("https://10.1.2.3/x", ALL_EVENTS, "url", "private or reserved network"),
        ("https://192.168.0.10/x", ALL_EVENTS, "url", "private or reserved network"),
        ("https://169.254.169.254/latest", ALL_EVENTS, "url", "private or reserved network"),
        ("https://[::1]/x", ALL_EVENTS, "url", "private or reserved network"),
        ("https://127.0.0.1/x", ALL_EVENTS, "url", "private or reserved network"),
        ("ftp://hooks.example.com/", ALL_EVENTS, "url", "beginning with https://"),
        ("https://user:pw@hooks.example.com/", ALL_EVENTS, "url", "user name or a password"),
        ("https://93.184.215.14/hook", [], "events", "at least one event"),
        ("https://93.184.215.14/hook", ["post.deleted"], "events", "from the list"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(cast, url, events, field, message):
    audited = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.hook_create(actor=cast.manager, community=cast.community, url=url, events=events)
    assert any(message in m for m in refused.value.message_dict[field])
    assert not Hook.objects.exists() and AuditEntry.objects.count() == audited


def test_allowed_networks_let_an_intranet_receiver_in(cast, settings):
    settings.RSE_WEBHOOKS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    hook = services.hook_create(
        actor=cast.manager, community=cast.community, url="https://10.20.1.2/h", events=ALL_EVENTS
    )
    assert hook.pk
    with pytest.raises(ValidationError):
        services.hook_create(
            actor=cast.manager,
            community=cast.community,
            url="https://10.21.1.2/h",
            events=ALL_EVENTS,
        )


@pytest.mark.parametrize("who", ["moderator", "member", "outsider", "other_moderator"])
def test_only_managers_and_administrators_register_hooks(cast, who):
    with pytest.raises(PermissionDenied):
        services.hook_create(
            actor=getattr(cast, who),
            community=cast.community,
            url="https://93.184.215.14/hook",
            events=ALL_EVENTS,
        )
    assert not Hook.objects.exists()


def test_an_administrator_registers_a_hook(cast, admin_user):
    hook = services.hook_create(
        actor=admin_user, community=cast.community, url="https://93.184.215.14/h", events=ALL_EVENTS
    )
    assert hook.owner == admin_user


def test_changes_rotation_and_deletion_are_audited(cast, hook):
    first_secret = hook.secret
    services.hook_update(
        actor=cast.manager, hook=hook, url=hook.url, events=[Event.POST_PUBLISHED], is_active=False
    )
    rotated = services.hook_secret_rotate(actor=cast.manager, hook=hook)
    assert rotated.secret != first_secret and rotated.secret.startswith("whsec_")
    services.hook_delete(actor=cast.manager, hook=hook)
    actions = list(
        AuditEntry.objects.filter(action__startswith="webhook.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == [
        "webhook.created",
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.deleted",
    ]
    assert not Hook.objects.exists()


def test_deliveries_log_is_purged_after_its_retention(
    cast, hook, receiver, settings, django_capture_on_commit_callbacks
):
    settings.RSE_WEBHOOKS_LOG_DAYS = 30
    publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    assert services.deliveries_purge(now=delivery.occurred_at + timedelta(days=29)) == 0
    assert services.deliveries_purge(now=delivery.occurred_at + timedelta(days=31)) == 2
    assert not Delivery.objects.exists() and not Attempt.objects.exists()


def test_after_a_new_secret_the_former_one_no_longer_verifies(
    cast, hook, receiver, django_capture_on_commit_callbacks
):
    receiver.secret = hook.secret  # the receiver still holds the former secret
    services.hook_secret_rotate(actor=cast.manager, hook=hook)
    publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    assert receiver.verified == [False]
    attempt = Attempt.objects.get()
    assert (attempt.outcome, attempt.status_code) == ("failed", 401)
    hook.refresh_from_db()
    receiver.secret = hook.secret  # updated: the next event goes through
    publish(cast.author, cast.community, django_capture_on_commit_callbacks)
    assert receiver.verified == [False, True]


def test_the_command_sends_what_is_due(cast, hook, receiver, capsys):
    from django.core.management import call_command

    Delivery.objects.create(
        hook=hook,
        event=Event.MEMBER_JOINED,
        refs={"person": cast.member.pk},
        next_attempt_at=hook.created_at,
    )
    call_command("webhooks_deliver", "--dry-run")
    assert "would attempt 1 webhook deliveries" in capsys.readouterr().out
    assert receiver.requests == []
    call_command("webhooks_deliver")
    assert "attempted 1 webhook deliveries" in capsys.readouterr().out
    assert json.loads(receiver.requests[0].body)["data"]["person"]["id"] == cast.member.pk
