"""Notifications by e-mail: sent at once (once), the daily digest (once a day, the
right items), access re-checked at send time, and the recipient's language."""

import io
import threading
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from communities import memberships
from communities.models import Community
from notifications import selectors, services
from notifications.models import EmailSettings, Kind, Notification, NotificationPreference
from notifications.services import notify
from notifications.tasks import send_daily_digests, send_notification_email
from posts.models import Status

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .notifications_factories import NotificationFactory
from .posts_factories import CommentFactory, PostFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_here")]


def prefer(user, kind, mode):
    NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"email": mode})


# At once ---------------------------------------------------------------------------


def scheduled(callbacks) -> list:
    """The callbacks on commit, but the navigation counters' invalidations."""
    return [c for c in callbacks if getattr(c, "__module__", None) != "core.navcounters"]


def test_notify_schedules_the_email_after_commit(django_capture_on_commit_callbacks, employee):
    follower = UserFactory(first_name="Bruno", last_name="Bastien")
    prefer(employee, Kind.FOLLOWED, "immediately")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notify(recipient=employee, kind=Kind.FOLLOWED, actor=follower)

    assert len(scheduled(callbacks)) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [employee.email]
    assert message.subject == "[RSE] Bruno Bastien now follows you."
    link = f"{settings.RSE_SITE_URL}/notifications/{notification.pk}/open/"
    assert link in message.body
    assert f'href="{link}"' in message.alternatives[0][0]
    assert f"{settings.RSE_SITE_URL}/notifications/settings/" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_nothing_is_scheduled_for_a_kind_not_wanted_at_once(
    django_capture_on_commit_callbacks, employee
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipient=employee, kind=Kind.LIKED, actor=UserFactory(), post=None)
        notify(recipient=employee, kind=Kind.FOLLOWED, actor=UserFactory())  # daily
    assert scheduled(callbacks) == []
    assert mail.outbox == []


def test_the_email_is_sent_once_however_often_the_task_runs(employee):
    notification = NotificationFactory(recipient=employee, kind=Kind.INVITED)

    assert send_notification_email.delay(notification.pk).get() is True
    assert send_notification_email.delay(notification.pk).get() is False
    services.notification_email_send(notification_id=notification.pk)

    assert len(mail.outbox) == 1


def test_no_email_for_an_inactive_recipient_or_a_missing_notification(employee):
    notification = NotificationFactory(recipient=employee, kind=Kind.INVITED)
    employee.is_active = False
    employee.save(update_fields=["is_active"])

    assert services.notification_email_send(notification_id=notification.pk) is False
    assert services.notification_email_send(notification_id=999_999) is False
    assert mail.outbox == []


def test_no_email_once_the_recipient_chose_never(employee):
    notification = NotificationFactory(recipient=employee, kind=Kind.INVITED)
    prefer(employee, Kind.INVITED, "never")
    assert services.notification_email_send(notification_id=notification.pk) is False
    assert mail.outbox == []


def test_no_email_about_a_post_the_recipient_lost_access_to_meanwhile():
    community = CommunityFactory(access=Community.Access.OPEN)
    reader = MembershipFactory(community=community).user
    post = PostFactory(community=community)
    notification = notify(recipient=reader, kind=Kind.MENTIONED, actor=post.author, post=post)
    assert notification is not None

    memberships.membership_leave(actor=reader, community=community)
    send_notification_email.delay(notification.pk)

    assert mail.outbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_a_mail_server_failure_gives_the_claim_back_for_the_retry(employee, monkeypatch):
    notification = NotificationFactory(recipient=employee, kind=Kind.INVITED)

    def refuse(self, *args, **kwargs):
        raise SMTPServerDisconnected("gone")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        with pytest.raises(SMTPServerDisconnected):
            services.notification_email_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None

    assert services.notification_email_send(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1


def test_the_tasks_are_acked_late_and_retry_mail_errors():
    for task in (send_notification_email, send_daily_digests):
        assert task.acks_late is True
        assert any(issubclass(SMTPServerDisconnected, error) for error in task.autoretry_for)
        assert task.retry_backoff


# Language --------------------------------------------------------------------------


def test_a_french_reader_gets_french(employee):
    EmailSettings.objects.create(user=employee, language="fr")
    follower = UserFactory(first_name="Bruno", last_name="Bastien")
    notification = NotificationFactory(recipient=employee, kind=Kind.FOLLOWED, actor=follower)
    prefer(employee, Kind.FOLLOWED, "immediately")

    services.notification_email_send(notification_id=notification.pk)

    message = mail.outbox[0]
    assert message.subject == "[RSE] Bruno Bastien vous suit désormais."
    assert message.body.startswith(f"Bonjour {employee.first_name},")
    assert 'lang="fr"' in message.alternatives[0][0]


def test_without_a_choice_the_site_language_is_used(employee):
    notification = NotificationFactory(recipient=employee, kind=Kind.INVITED)
    services.notification_email_send(notification_id=notification.pk)
    assert mail.outbox[0].body.startswith("Hello ")


# The daily digest ------------------------------------------------------------------


def test_the_digest_sends_one_email_per_person_with_their_items_then_nothing():
    ann, bob, carl = UserFactory(), UserFactory(), UserFactory()
    ann_items = [NotificationFactory(recipient=ann, kind=Kind.FOLLOWED) for _ in range(2)]
    post = PostFactory(community=None, author=ann)
    comment = CommentFactory(post=post)
    ann_items.append(
        NotificationFactory(
            recipient=ann, kind=Kind.COMMENTED, actor=comment.author, post=post, comment=comment
        )
    )
    bob_item = NotificationFactory(recipient=bob, kind=Kind.FOLLOWED)
    # Not in any digest: a "never" kind, an "immediately" kind, too old, already sent,
    # already read in the app.
    liked = NotificationFactory(recipient=ann, kind=Kind.LIKED, post=post)
    invited = NotificationFactory(recipient=carl, kind=Kind.INVITED)
    old = NotificationFactory(
        recipient=carl, kind=Kind.FOLLOWED, created_at=timezone.now() - timedelta(days=2)
    )
    NotificationFactory(recipient=carl, kind=Kind.FOLLOWED, emailed_at=timezone.now())
    already_read = NotificationFactory(recipient=carl, kind=Kind.FOLLOWED, read_at=timezone.now())

    assert send_daily_digests.delay().get() == 2

    assert sorted(m.to[0] for m in mail.outbox) == sorted([ann.email, bob.email])
    to_ann = next(m for m in mail.outbox if m.to == [ann.email])
    assert to_ann.subject == "[RSE] Your daily summary: 3 notifications"
    for item in ann_items:
        assert f"/notifications/{item.pk}/open/" in to_ann.body
    assert f"/notifications/{liked.pk}/open/" not in to_ann.body
    assert (
        Notification.objects.filter(
            pk__in=[i.pk for i in [*ann_items, bob_item]], emailed_at__isnull=True
        ).count()
        == 0
    )
    for untouched in (liked, invited, old, already_read):
        untouched.refresh_from_db()
        assert untouched.emailed_at is None

    mail.outbox.clear()
    assert send_daily_digests.delay().get() == 0
    assert mail.outbox == []


def test_the_digest_follows_each_persons_choices():
    likes_digests = UserFactory()
    prefer(likes_digests, Kind.LIKED, "daily")
    prefer(likes_digests, Kind.FOLLOWED, "never")
    post = PostFactory(community=None, author=likes_digests)
    liked = NotificationFactory(recipient=likes_digests, kind=Kind.LIKED, post=post)
    NotificationFactory(recipient=likes_digests, kind=Kind.FOLLOWED)

    services.digests_send()

    assert len(mail.outbox) == 1
    assert f"/notifications/{liked.pk}/open/" in mail.outbox[0].body
    assert "1 notification" in mail.outbox[0].subject


def test_the_digest_leaves_out_what_may_no_longer_be_seen_and_inactive_people():
    community = CommunityFactory(access=Community.Access.OPEN)
    reader = MembershipFactory(community=community).user
    prefer(reader, Kind.LIKED, "daily")
    post = PostFactory(community=community, author=reader)
    hidden_later = notify(recipient=reader, kind=Kind.LIKED, actor=UserFactory(), post=post)
    assert hidden_later is not None
    Notification.objects.filter(pk=hidden_later.pk).update(created_at=timezone.now())
    post.status = Status.HIDDEN
    post.save(update_fields=["status"])
    gone = UserFactory(is_active=False)
    NotificationFactory(recipient=gone, kind=Kind.FOLLOWED)

    assert services.digests_send() == []
    assert mail.outbox == []


def test_the_digest_works_in_batches(monkeypatch):
    people = UserFactory.create_batch(5)
    for person in people:
        NotificationFactory(recipient=person, kind=Kind.FOLLOWED)

    sent = services.digests_send(batch_size=2)

    assert sorted(email for email, _count in sent) == sorted(p.email for p in people)
    assert len(mail.outbox) == 5


def test_the_digest_in_french(employee):
    EmailSettings.objects.create(user=employee, language="fr")
    NotificationFactory(recipient=employee, kind=Kind.FOLLOWED)
    services.digests_send()
    assert mail.outbox[0].subject == "[RSE] Votre résumé du jour\u00a0: 1 notification"


def test_the_digest_command_and_its_dry_run(employee):
    item = NotificationFactory(recipient=employee, kind=Kind.FOLLOWED)
    out = io.StringIO()

    call_command("send_digests", "--dry-run", stdout=out)

    assert f"{employee.email}: 1" in out.getvalue()
    assert "Digests that would be sent: 1." in out.getvalue()
    assert mail.outbox == []
    item.refresh_from_db()
    assert item.emailed_at is None

    call_command("send_digests", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    item.refresh_from_db()
    assert item.emailed_at is not None


def test_the_digest_is_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-daily-digest"]
    assert entry["task"] == send_daily_digests.name
    assert entry["schedule"].hour == {6}


# Two workers at once ---------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_email_and_one_digest(monkeypatch):
    person = UserFactory()
    at_once = NotificationFactory(recipient=person, kind=Kind.INVITED)
    NotificationFactory(recipient=person, kind=Kind.FOLLOWED)
    barrier = threading.Barrier(2, timeout=10)
    real_mode_of = selectors.email_mode_of
    real_items_of = selectors.digest_items_of

    def mode_of_in_step(user, kind):
        barrier.wait()  # both workers have read the state: now both try to claim
        return real_mode_of(user, kind)

    def items_of_in_step(user, since):
        items = list(real_items_of(user, since))
        barrier.wait()
        return items

    monkeypatch.setattr(selectors, "email_mode_of", mode_of_in_step)
    monkeypatch.setattr(selectors, "digest_items_of", items_of_in_step)

    def run(job):
        try:
            job()
        finally:
            connections.close_all()

    for job in (
        lambda: services.notification_email_send(notification_id=at_once.pk),
        lambda: services.digest_send(user=person, since=timezone.now() - timedelta(days=1)),
    ):
        barrier.reset()
        threads = [threading.Thread(target=run, args=(job,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_names_are_escaped_in_the_html_email(employee):
    follower = UserFactory(first_name="<script>alert(1)</script>", last_name="Evil")
    notification = NotificationFactory(recipient=employee, kind=Kind.FOLLOWED, actor=follower)
    prefer(employee, Kind.FOLLOWED, "immediately")

    services.notification_email_send(notification_id=notification.pk)

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Evil now follows you." in html
