"""Expiry of invitations and join requests, and retention: read notifications, erased
profile data, audit entries."""

import io
import os
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from audit.models import AuditEntry
from communities import invitations, memberships
from communities.models import Community, Membership
from lifecycle import jobs
from lifecycle.models import ErasedData
from notifications.models import Notification
from profiles.models import Profile, UserSkill

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory, UserSkillFactory
from .lifecycle_factories import T0, community_with_manager

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def run(name, at, **kwargs):
    with time_machine.travel(at, tick=False):
        return jobs.run(name, **kwargs)


# Invitations and join requests -------------------------------------------------------


def test_invitation_closes_exactly_when_it_expires_and_can_be_renewed():
    community, manager = community_with_manager(access=Community.Access.CLOSED)
    guest = UserFactory()
    with time_machine.travel(T0, tick=False):
        invitations.membership_invite(actor=manager, community=community, user=guest)
    expiry = T0 + timedelta(days=14)

    run("memberships_expire", expiry - timedelta(seconds=1))
    assert Membership.objects.get(user=guest).status == "invited"
    run("memberships_expire", expiry)
    run("memberships_expire", expiry)

    assert Membership.objects.get(user=guest).status == "expired"
    entry = AuditEntry.objects.get(action="membership.invitation_expired")
    assert entry.actor_label == "job:memberships_expire"
    with time_machine.travel(expiry + DAY, tick=False):
        invitations.membership_invite(actor=manager, community=community, user=guest)
    assert Membership.objects.get(user=guest).status == "invited"


def test_join_request_closes_after_the_setting_and_can_be_made_again(settings):
    settings.COMMUNITY_REQUEST_DAYS = 30
    community, _manager = community_with_manager()
    asker = UserFactory()
    with time_machine.travel(T0, tick=False):
        memberships.membership_request(actor=asker, community=community)

    run("memberships_expire", T0 + 29 * DAY)
    assert Membership.objects.get(user=asker).status == "requested"
    run("memberships_expire", T0 + 30 * DAY)

    assert Membership.objects.get(user=asker).status == "expired"
    assert AuditEntry.objects.filter(action="membership.request_expired").count() == 1
    memberships.membership_request(actor=asker, community=community)
    assert Membership.objects.get(user=asker).status == "requested"


def test_memberships_expire_dry_run_changes_nothing():
    membership = MembershipFactory(status=Membership.Status.INVITED)

    report = run("memberships_expire", T0 + 365 * DAY, dry_run=True)

    assert report.counts == {"invitations": 1}
    membership.refresh_from_db()
    assert membership.status == "invited"


# Read notifications -----------------------------------------------------------------


def test_read_notifications_are_deleted_after_the_retention_unread_ones_kept(settings):
    settings.NOTIFICATIONS_READ_RETENTION_DAYS = 90
    settings.RSE_JOB_BATCH_SIZE = 2
    person = UserFactory()
    community = CommunityFactory()

    def note(read_at):
        return Notification.objects.create(
            recipient=person, kind="community_lifecycle", community=community, read_at=read_at
        )

    old = [note(T0) for _ in range(3)]
    recent = note(T0 + DAY)
    unread = note(None)

    report = run("notifications_purge", T0 + 90 * DAY)

    assert report.counts == {"notifications": 3}
    assert not Notification.objects.filter(pk__in=[n.pk for n in old]).exists()
    assert set(Notification.objects.values_list("pk", flat=True)) == {recent.pk, unread.pk}
    assert AuditEntry.objects.get(action="notifications.purged").data["deleted"] == 3
    run("notifications_purge", T0 + 90 * DAY)
    assert AuditEntry.objects.filter(action="notifications.purged").count() == 1


# Erasing profile data -------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def with_photo(client, user):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, format="PNG")
    client.force_login(user)
    client.post(
        reverse("me"),
        {
            "phone": "+33 1 23 45 67 89",
            "bio": "Accounting.",
            "languages": "French",
            "interests": "Chess",
            "photo": SimpleUploadedFile("me.png", out.getvalue(), "image/png"),
        },
    )
    return Profile.objects.get(user=user)


def test_erasing_hides_at_once_and_the_job_purges_after_retention(
    client, employee, media, django_capture_on_commit_callbacks
):
    profile = with_photo(client, employee)
    path = profile.photo.path
    UserSkillFactory(user=employee)
    before = client.get(reverse("people:detail", args=[employee.username]))
    assert b"Accounting." in before.content

    with time_machine.travel(T0, tick=False):
        refused = client.post(reverse("lifecycle:erase"), follow=True)
        assert b"Tick the box" in refused.content
        client.post(reverse("lifecycle:erase"), {"confirm": "yes"})

    profile.refresh_from_db()
    assert (profile.phone, profile.bio, profile.languages, profile.interests) == ("", "", "", "")
    assert not profile.photo
    assert not UserSkill.objects.filter(user=employee).exists()
    page = client.get(reverse("people:detail", args=[employee.username]))
    assert b"Accounting." not in page.content
    erased = ErasedData.objects.get(user=employee)
    assert erased.values["bio"] == "Accounting." and os.path.exists(path)
    assert AuditEntry.objects.get(action="profile.erased").actor == employee

    with django_capture_on_commit_callbacks(execute=True):
        run("erased_data_purge", T0 + 30 * DAY - timedelta(seconds=1))
    assert os.path.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        run("erased_data_purge", T0 + 30 * DAY)
        run("erased_data_purge", T0 + 30 * DAY)

    erased.refresh_from_db()
    assert erased.purged_at == T0 + 30 * DAY and erased.values == {} and erased.photo == ""
    assert not os.path.exists(path)
    entry = AuditEntry.objects.get(action="profile.erased_data_purged")
    assert entry.actor_label == "job:erased_data_purge"
    assert "bio" in entry.data["fields"] and "Accounting." not in str(entry.data)


def test_erasing_an_empty_profile_says_so(client, employee):
    client.force_login(employee)

    response = client.post(reverse("lifecycle:erase"), {"confirm": "yes"}, follow=True)

    assert b"no personal data to erase" in response.content
    assert not ErasedData.objects.exists()


# Audit entries ------------------------------------------------------------------------


def test_audit_purge_runs_as_a_job(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    with time_machine.travel(T0, tick=False):
        UserFactory()
        from audit.services import record

        record("auth.login", actor_label="someone")

    report = run("audit_purge", T0 + 366 * DAY, dry_run=True)
    assert report.counts == {"audit entries": 1}
    assert AuditEntry.objects.filter(action="auth.login").exists()
    report = run("audit_purge", T0 + 366 * DAY)
    assert not AuditEntry.objects.filter(action="auth.login").exists()
    assert AuditEntry.objects.filter(action="audit.purged").exists()


def test_closed_accounts_lose_their_profile_data_after_the_same_period(
    client, admin_user, media, django_capture_on_commit_callbacks
):
    from profiles import services as profile_services

    leaver = UserFactory()
    profile = with_photo(client, leaver)
    path = profile.photo.path
    UserSkillFactory(user=leaver)
    suspended = UserFactory(is_active=False)  # inactive but never closed: not touched
    Profile.objects.filter(user=suspended).update(bio="Still here.")
    with time_machine.travel(T0, tick=False):
        profile_services.account_close(actor=admin_user, user=leaver)

    with django_capture_on_commit_callbacks(execute=True):
        run("erased_data_purge", T0 + 30 * DAY - timedelta(seconds=1))
    assert Profile.objects.get(user=leaver).bio == "Accounting."
    report = run("erased_data_purge", T0 + 30 * DAY, dry_run=True)
    assert report.counts == {"closed accounts": 1}
    assert Profile.objects.get(user=leaver).bio == "Accounting."
    with django_capture_on_commit_callbacks(execute=True):
        run("erased_data_purge", T0 + 30 * DAY)
        run("erased_data_purge", T0 + 31 * DAY)

    profile.refresh_from_db()
    assert (profile.bio, profile.phone, profile.photo.name) == ("", "", "")
    assert not UserSkill.objects.filter(user=leaver).exists()
    assert not os.path.exists(path)
    entry = AuditEntry.objects.get(action="profile.erased_data_purged")
    assert entry.data["reason"] == "account_closed"
    assert set(entry.data["fields"]) >= {"bio", "phone", "photo", "skills"}
    assert Profile.objects.get(user=suspended).bio == "Still here."


def test_an_administrator_puts_back_data_erased_by_mistake(client, employee, admin_user, media):
    profile = with_photo(client, employee)
    photo = profile.photo.name
    UserSkillFactory(user=employee, skill__name="Lean")
    client.post(reverse("lifecycle:erase"), {"confirm": "yes"})
    Profile.objects.filter(user=employee).update(phone="+33 6 00 00 00 00")  # typed since
    erased = ErasedData.objects.get(user=employee)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:lifecycle_eraseddata_changelist"),
        {"action": "undo_erase", "_selected_action": [erased.pk]},
        follow=True,
    )

    assert b"1 profile restored." in response.content
    profile.refresh_from_db()
    assert (profile.bio, profile.phone, profile.photo.name) == (
        "Accounting.",
        "+33 6 00 00 00 00",
        photo,
    )
    assert list(UserSkill.objects.filter(user=employee).values_list("skill__name", flat=True)) == [
        "Lean"
    ]
    assert not ErasedData.objects.exists()
    entry = AuditEntry.objects.get(action="profile.erase_undone")
    assert entry.actor == admin_user and "phone" not in entry.data["restored"]
    assert set(entry.data["restored"]) == {"bio", "languages", "interests", "photo", "skills"}


def test_purged_data_cannot_be_put_back(employee, admin_user):
    from django.core.exceptions import ValidationError

    from lifecycle.services import profile_erase_undo

    Profile.objects.filter(user=employee).update(bio="Hello.")
    with time_machine.travel(T0, tick=False):
        from lifecycle.services import profile_erase

        erased = profile_erase(actor=employee)
    run("erased_data_purge", T0 + 30 * DAY)

    with pytest.raises(ValidationError, match="already purged"):
        profile_erase_undo(actor=admin_user, erased=erased)
    with pytest.raises(PermissionDenied):
        profile_erase_undo(actor=employee, erased=erased)
    assert Profile.objects.get(user=employee).bio == ""
