"""External members: re-confirmation window, reminders, lapse, contract end, sponsors."""

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from communities.models import Membership
from lifecycle import jobs, services
from notifications.models import Notification
from profiles import services as profile_services
from profiles.models import User

from .factories import PASSWORD, ExternalFactory, UserFactory
from .lifecycle_factories import T0, external_in_closed_community

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
PERIOD = timedelta(days=90)
GRACE = timedelta(days=14)


def run(at, **kwargs):
    with time_machine.travel(at, tick=False):
        return jobs.run("externals", **kwargs)


def events(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at", "id")
        .values_list("data__event", flat=True)
    )


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


@pytest.mark.usefixtures("tasks_run_here")
def test_window_opens_exactly_after_the_period_with_reminders_to_both(
    django_capture_on_commit_callbacks,
):
    external, _community, _manager = external_in_closed_community()

    run(T0 + PERIOD - DAY)
    assert events(external) == [] and events(external.sponsor) == []

    with django_capture_on_commit_callbacks(execute=True):
        run(T0 + PERIOD)

    assert events(external) == ["reconfirm_due"]
    assert events(external.sponsor) == ["external_reconfirm_due"]
    # The external gets the one-click link (once: not also the notification's e-mail);
    # the sponsor gets the notification by e-mail.
    to_external = [m for m in mail.outbox if m.to == [external.email]]
    assert len(to_external) == 1 and "/me/reconfirm/" in to_external[0].body
    assert [m.to for m in mail.outbox if m not in to_external] == [[external.sponsor.email]]
    entry = AuditEntry.objects.get(action="account.reconfirmation_due")
    assert entry.actor_label == "job:externals" and entry.target_id == str(external.pk)
    run(T0 + PERIOD + DAY)  # nothing new until the day before the window closes
    assert events(external) == ["reconfirm_due"]


def test_last_day_reminder_then_suspension_exactly_at_the_deadline(
    django_capture_on_commit_callbacks,
):
    external, community, manager = external_in_closed_community()
    client = Client()
    client.post(reverse("account_login"), {"login": external.email, "password": PASSWORD})
    assert UserSession.objects.filter(user=external).exists()
    daily = [T0 + PERIOD + day * DAY for day in range(14)]
    for moment in [*daily, T0 + PERIOD + GRACE - timedelta(seconds=1)]:
        with django_capture_on_commit_callbacks(execute=True):
            run(moment)
    assert fresh(external).is_active  # one second before the deadline
    assert events(external) == ["reconfirm_due", "reconfirm_closing"]

    run(T0 + PERIOD + GRACE)
    run(T0 + PERIOD + GRACE)

    external = fresh(external)
    assert not external.is_active
    assert not UserSession.objects.filter(user=external).exists()
    assert client.get("/").status_code == 302
    membership = Membership.objects.get(user=external, community=community)
    assert membership.status == "suspended"
    community.refresh_from_db()
    assert community.members_count == 1  # the manager only
    entry = AuditEntry.objects.get(action="account.suspended")
    assert entry.data["reason"] == "lapsed" and entry.data["communities"] == [community.slug]
    assert events(external.sponsor) == [
        "external_reconfirm_due",
        "external_reconfirm_closing",
        "external_suspended",
    ]
    assert events(manager) == ["external_suspended"]


def test_reconfirming_just_in_time_keeps_the_access(client):
    external, _community, _manager = external_in_closed_community()
    run(T0 + PERIOD)
    token = services.reconfirm_token(external)
    client.force_login(external)
    moment = T0 + PERIOD + GRACE - timedelta(minutes=1)

    with time_machine.travel(moment, tick=False):
        page = client.get(reverse("lifecycle:reconfirm_link", args=[token]))
        assert b"I still need my access" in page.content
        response = client.post(reverse("lifecycle:reconfirm_link", args=[token]))
    assert response.status_code == 302

    run(T0 + PERIOD + GRACE)
    external = fresh(external)
    assert external.is_active and external.reconfirmed_at == moment
    assert AuditEntry.objects.get(action="account.reconfirmed").actor == external
    # The link served its period: it is stale now, and a second confirmation is refused.
    with time_machine.travel(moment + DAY, tick=False):
        page = client.get(reverse("lifecycle:reconfirm_link", args=[token]))
        assert b"This link has expired or was already used" in page.content
        response = client.post(reverse("lifecycle:reconfirm"), follow=True)
    assert b"Nothing to confirm yet" in response.content
    assert AuditEntry.objects.filter(action="account.reconfirmed").count() == 1
    # A new period starts from the re-confirmation.
    run(moment + PERIOD - DAY)
    assert events(external) == ["reconfirm_due"]
    run(moment + PERIOD)
    assert events(external) == ["reconfirm_due", "reconfirm_due"]


def test_reconfirm_link_needs_sign_in_and_is_for_externals(client, employee):
    external, _community, _manager = external_in_closed_community()
    url = reverse("lifecycle:reconfirm_link", args=[services.reconfirm_token(external)])

    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(employee)
    assert client.get(url).status_code == 403


def test_a_forged_or_expired_token_is_not_valid():
    external, _community, _manager = external_in_closed_community()
    other = ExternalFactory()
    token = services.reconfirm_token(external)

    assert services.reconfirm_token_valid(token, external)
    assert not services.reconfirm_token_valid(token + "x", external)
    assert not services.reconfirm_token_valid(token, other)
    with time_machine.travel(timedelta(days=16)):
        assert not services.reconfirm_token_valid(token, external)


def test_contract_end_suspends_on_that_day_regardless():
    external, community, _manager = external_in_closed_community()
    end = T0 + 10 * DAY
    User.objects.filter(pk=external.pk).update(access_expires_at=end)

    run(end - timedelta(seconds=1))
    assert fresh(external).is_active
    run(end)

    assert not fresh(external).is_active
    entry = AuditEntry.objects.get(action="account.suspended")
    assert entry.data["reason"] == "contract_ended"
    assert Notification.objects.get(recipient=external.sponsor).data["reason"] == "contract_ended"


def test_reactivation_restores_the_frozen_memberships_and_restarts_the_period(admin_user):
    external, community, _manager = external_in_closed_community()
    run(T0 + PERIOD + GRACE)
    assert not fresh(external).is_active

    later = T0 + PERIOD + GRACE + 2 * DAY
    with time_machine.travel(later, tick=False):
        profile_services.account_reactivate(actor=admin_user, user=fresh(external))

    external = fresh(external)
    assert external.is_active and external.reconfirmed_at == later
    assert Membership.objects.get(user=external, community=community).status == "active"
    community.refresh_from_db()
    assert community.members_count == 2
    run(later + DAY)
    assert fresh(external).is_active


def test_reactivation_past_the_contract_end_is_refused(admin_user):
    from django.core.exceptions import ValidationError

    external, _community, _manager = external_in_closed_community()
    User.objects.filter(pk=external.pk).update(access_expires_at=T0 + DAY)
    run(T0 + DAY)

    with time_machine.travel(T0 + 2 * DAY), pytest.raises(ValidationError, match="contract"):
        profile_services.account_reactivate(actor=admin_user, user=fresh(external))
    assert not fresh(external).is_active


def test_dry_run_suspends_nobody():
    external, _community, _manager = external_in_closed_community()

    report = run(T0 + PERIOD + GRACE, dry_run=True)

    assert report.counts["suspended"] == 1
    assert fresh(external).is_active
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="account.").exists()


def test_sponsor_leaving_asks_the_managers_once_and_a_manager_names_a_new_one(client, admin_user):
    external, community, manager = external_in_closed_community()
    profile_services.account_close(actor=admin_user, user=external.sponsor)

    run(T0 + DAY)
    run(T0 + DAY)

    assert events(manager) == ["sponsor_needed"]
    assert AuditEntry.objects.filter(action="account.sponsor_needed").count() == 1
    client.force_login(manager)
    members = client.get(reverse("communities:members", args=[community.slug]))
    assert b"Name the sponsor" in members.content
    membership = Membership.objects.get(user=external, community=community)
    url = reverse("lifecycle:sponsor", args=[community.slug, membership.pk])

    refused = client.post(url, {"email": "nobody@example.com"}, follow=True)
    assert b"Enter the e-mail address of an employee" in refused.content
    assert fresh(external).sponsor_id != manager.pk

    new_sponsor = UserFactory()
    client.post(url, {"email": new_sponsor.email.upper()})
    assert fresh(external).sponsor == new_sponsor
    entry = AuditEntry.objects.get(action="account.sponsor_changed")
    assert entry.actor == manager and entry.data["after"] == new_sponsor.username
    assert events(new_sponsor) == ["sponsor_named"]


def test_only_managers_of_the_externals_community_name_a_sponsor(client):
    external, community, _manager = external_in_closed_community()
    membership = Membership.objects.get(user=external, community=community)
    client.force_login(UserFactory())

    response = client.post(
        reverse("lifecycle:sponsor", args=[community.slug, membership.pk]),
        {"email": UserFactory().email},
    )

    assert response.status_code == 403  # visible community, but not theirs to manage
    assert fresh(external).sponsor == external.sponsor


def test_an_external_in_no_community_whose_sponsor_left_goes_to_the_administrators(admin_user):
    external = ExternalFactory()
    profile_services.account_close(actor=admin_user, user=external.sponsor)

    run(T0)
    run(T0)

    assert events(admin_user) == ["sponsor_needed_admin"]
    entry = AuditEntry.objects.get(action="account.sponsor_needed")
    assert entry.data["told"] == [admin_user.username]


def test_members_page_with_externals_to_responsor_does_not_grow_in_queries(
    client, django_assert_max_num_queries
):
    _external, community, manager = external_in_closed_community()
    client.force_login(manager)
    url = f"/communities/{community.slug}/members/"
    with django_assert_max_num_queries(20) as queries:
        assert client.get(url).status_code == 200
    before = len(queries.captured_queries)
    for _ in range(10):
        other = ExternalFactory()
        User.objects.filter(pk=other.sponsor_id).update(is_active=False)
        Membership.objects.create(community=community, user=other, status="active")

    with django_assert_max_num_queries(before) as queries:
        page = client.get(url)

    assert page.content.count(b"Name the sponsor") == 10


def test_dry_run_lists_someone_past_both_dates_once():
    external, _community, _manager = external_in_closed_community()
    User.objects.filter(pk=external.pk).update(access_expires_at=T0 + DAY)

    report = run(T0 + PERIOD + GRACE, dry_run=True)

    assert report.counts["suspended"] == 1
    assert report.lines == [f"would suspend {external} (contract_ended)"]


def test_a_manager_may_not_replace_a_sponsor_who_is_still_there(client):
    """Issue 27, finding 5: the sponsor is replaced only once they have left."""
    external, community, manager = external_in_closed_community()
    sponsor, stranger = external.sponsor, UserFactory()
    membership = Membership.objects.get(user=external, community=community)
    client.force_login(manager)

    response = client.post(
        reverse("lifecycle:sponsor", args=[community.slug, membership.pk]),
        {"email": stranger.email},
        follow=True,
    )

    assert b"still has an active sponsor" in response.content
    assert fresh(external).sponsor == sponsor
    assert not AuditEntry.objects.filter(action="account.sponsor_changed").exists()
    assert not Notification.objects.filter(recipient=stranger).exists()
    # …so the stranger's profile does not become visible to the external through it.
    client.force_login(external)
    assert client.get(reverse("people:detail", args=[stranger.username])).status_code == 404


def test_a_manager_of_another_community_of_the_external_may_name_one_once_the_sponsor_left(
    client, admin_user
):
    external, community, _manager = external_in_closed_community()
    other = external_in_closed_community()[1]
    Membership.objects.create(
        community=other, user=external, status=Membership.Status.ACTIVE, role="member"
    )
    other_manager = Membership.objects.get(community=other, role="manager").user
    profile_services.account_close(actor=admin_user, user=external.sponsor)
    membership = Membership.objects.get(user=external, community=other)
    client.force_login(other_manager)

    client.post(
        reverse("lifecycle:sponsor", args=[other.slug, membership.pk]),
        {"email": other_manager.email},
    )

    assert fresh(external).sponsor == other_manager
    entry = AuditEntry.objects.get(action="account.sponsor_changed")
    assert entry.actor == other_manager and entry.data["community"] == other.slug
