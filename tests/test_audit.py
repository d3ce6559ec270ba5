"""The audit trail: one way to record, append-only, tamper-evident, retention, reading."""

import csv
import io
import threading
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.totp.internal import auth as totp
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from access.roles import site_moderators_group
from audit import services
from audit.catalogue import ACTIONS
from audit.models import AppendOnlyError, AuditCheckpoint, AuditEntry

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))


# --- One way to record -------------------------------------------------------------


def test_record_stores_who_what_where_and_chains_the_entry(rf, employee):
    request = rf.get("/", HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="10.1.2.3")

    first = services.record("auth.login", actor=employee, target=employee, request=request)
    second = services.record("auth.logout", actor=employee, target=employee, request=request)

    assert first.actor_label == f"Camille Martin <{employee.username}>"
    assert (first.target_type, first.target_id) == ("profiles.user", str(employee.pk))
    assert (first.ip_address, first.user_agent, first.client) == ("10.1.2.3", "Firefox/140", "web")
    assert len(first.request_id) == 32
    assert second.sequence == first.sequence + 1
    assert second.previous_hash == first.entry_hash
    assert services.verify_chain().ok


def test_unknown_action_codes_are_refused(employee):
    with pytest.raises(ValueError, match="Unknown audit action"):
        services.record("account.hacked", actor=employee)
    assert not AuditEntry.objects.exists()


def test_a_failed_audit_write_fails_the_action_it_records(employee):
    with pytest.raises(ValueError), transaction.atomic():
        employee.job_title = "Changed"
        employee.save()
        services.record("no.such.action", actor=employee)

    employee.refresh_from_db()
    assert employee.job_title != "Changed"


def test_every_catalogued_action_has_a_readable_description():
    assert all(str(description) for description in ACTIONS.values())


# --- Sign-in events, each from its real code path -----------------------------------


def test_sign_in_and_sign_out_are_recorded(client, employee):
    client.post(reverse("account_login"), {"login": employee.email, "password": PASSWORD})
    client.post(reverse("account_logout"))

    assert actions() == ["auth.login", "auth.logout"]


def test_failed_sign_in_keeps_the_identifier_never_the_password(client, employee):
    client.post(reverse("account_login"), {"login": employee.email, "password": "S3cret!x"})

    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor_label == employee.email
    assert "S3cret!x" not in str(entry.data) + entry.actor_label


@override_settings(
    AUDIT_LOGIN_FAILED_PER_HOUR=3, ACCOUNT_RATE_LIMITS={"login_failed": "100/m/ip,100/m/key"}
)
def test_failed_sign_ins_under_attack_cannot_fill_the_audit_trail(client):
    with time_machine.travel(timezone.now().replace(minute=30), tick=False):  # one hour bucket
        for n in range(10):
            client.post(reverse("account_login"), {"login": f"x{n}@example.com", "password": "x"})

    assert actions() == ["auth.login_failed"] * 3 + ["auth.login_failed_throttled"]


def test_password_change_is_recorded(client, employee):
    client.force_login(employee)

    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a brand new passphrase",
            "password2": "a brand new passphrase",
        },
    )

    assert "auth.password_changed" in actions()


def test_password_reset_is_recorded(client, employee):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    key = default_token_generator.make_token(employee)
    url = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(employee), "key": key},
    )
    form_url = client.get(url).headers["Location"]

    client.post(
        form_url, {"password1": "another long passphrase", "password2": "another long passphrase"}
    )

    assert "auth.password_reset" in actions()


def test_two_factor_activation_is_recorded(client, employee, django_capture_on_commit_callbacks):
    client.force_login(employee)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    with time_machine.travel(timezone.now(), tick=False):  # the code stays valid
        client.get(reverse("mfa_activate_totp"))
        secret = client.session[totp.SECRET_SESSION_KEY]
        counter = next(iter(totp.yield_hotp_counters_from_time()))
        code = totp.format_hotp_value(totp.hotp_value(secret, counter))

        # allauth announces the new authenticator once its transaction has committed.
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("mfa_activate_totp"), {"code": code})

    added = AuditEntry.objects.filter(action="auth.mfa_added", actor_id=employee.pk)
    assert {"type": "totp"} in [entry.data for entry in added]


def test_sign_up_and_email_confirmation_are_recorded(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "nadia.benali@example.com",
            "first_name": "Nadia",
            "last_name": "Benali",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    key = EmailConfirmationHMAC(EmailAddress.objects.get()).key
    client.post(reverse("account_confirm_email", args=[key]))

    assert {"account.signed_up", "account.email_confirmed"} <= set(actions())


# --- Client address: X-Forwarded-For only behind a trusted proxy --------------------


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", "", [], "203.0.113.9"),
        ("203.0.113.9", "198.51.100.7", [], "203.0.113.9"),  # untrusted peer: header ignored
        ("10.0.0.2", "198.51.100.7", ["10.0.0.0/8"], "198.51.100.7"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.7", ["10.0.0.0/8"], "198.51.100.7"),  # forged left
        ("10.0.0.2", "198.51.100.7, 10.0.0.5", ["10.0.0.0/8"], "198.51.100.7"),
        ("10.0.0.2", "not-an-ip", ["10.0.0.0/8"], "10.0.0.2"),
        ("10.0.0.2", "", ["10.0.0.0/8"], "10.0.0.2"),
    ],
)
def test_client_address_trusts_forwarded_for_only_behind_trusted_proxies(
    employee, remote, forwarded, trusted, expected
):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(RSE_TRUSTED_PROXIES=trusted):
        entry = services.record("auth.login", actor=employee, request=request)

    assert entry.ip_address == expected


def test_request_id_is_returned_and_recorded(client, employee):
    response = client.post(
        reverse("account_login"), {"login": employee.email, "password": PASSWORD}
    )

    entry = AuditEntry.objects.get(action="auth.login")
    assert response.headers["X-Request-ID"] == entry.request_id


# --- Append-only ---------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted_through_the_orm(employee):
    entry = services.record("auth.login", actor=employee)

    entry.action = "auth.logout"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="auth.logout")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().action == "auth.login"


def test_admin_can_read_but_never_change_delete_or_add(client, admin_user, employee):
    entry = services.record("auth.login", actor=employee, target=employee)
    client.force_login(admin_user)

    listing = client.get(reverse("admin:audit_auditentry_changelist"))
    detail = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    change = client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "auth.logout"}
    )
    delete = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:audit_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk]},
    )

    assert listing.status_code == 200 and "auth.login" in listing.text
    assert detail.status_code == 200 and entry.entry_hash in detail.text
    assert change.status_code == 403
    assert delete.status_code == 403
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert bulk.status_code in {200, 302}
    assert AuditEntry.objects.filter(pk=entry.pk, action="auth.login").exists()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET action = 'auth.logout'",
        "DELETE FROM audit_auditentry",
    ],
)
def test_postgresql_itself_refuses_update_and_delete(employee, statement):
    services.record("auth.login", actor=employee)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert AuditEntry.objects.filter(action="auth.login").count() == 1


# --- Tamper evidence -----------------------------------------------------------------


def tamper(sql: str, params: list) -> None:
    """What the owner of the tables could do (switching the append-only trigger off)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


@pytest.fixture
def five_entries(employee):
    return [services.record("auth.login", actor=employee, data={"n": n}) for n in range(5)]


def test_verify_passes_on_an_untouched_chain(five_entries):
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact: 5 entries" in out.getvalue()


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        (
            "UPDATE audit_auditentry SET ip_address = '6.6.6.6' WHERE sequence = %s",
            "content was changed",
        ),
        ("DELETE FROM audit_auditentry WHERE sequence = %s", "is missing"),
    ],
)
def test_verify_finds_a_changed_or_deleted_entry(five_entries, sql, reason):
    tamper(sql, [five_entries[2].sequence])

    with pytest.raises(CommandError, match=f"#{five_entries[2].sequence}.*{reason}"):
        call_command("audit_verify")


def test_verify_finds_reordered_entries(five_entries):
    a, b = five_entries[1], five_entries[2]
    # Swap their sequence numbers, as if history had been reordered.
    tamper("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [10_000, a.pk])
    tamper("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [a.sequence, b.pk])
    tamper("UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [b.sequence, a.pk])

    result = services.verify_chain()

    assert not result.ok and result.broken_at == a.sequence


def test_verify_finds_removed_latest_entries(five_entries):
    tamper("DELETE FROM audit_auditentry WHERE sequence = %s", [five_entries[-1].sequence])

    result = services.verify_chain()

    assert not result.ok and "latest entries were removed" in result.reason


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    user = UserFactory()

    def write(n):
        try:
            for i in range(10):
                services.record("auth.login", actor=user, data={"writer": n, "i": i})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert AuditEntry.objects.count() == 60
    assert services.verify_chain().ok


# --- Retention -------------------------------------------------------------------------


@override_settings(AUDIT_RETENTION_DAYS=365)
def test_purge_removes_exactly_the_expired_entries_and_the_chain_still_verifies(employee):
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=366), tick=False):
        old = [services.record("auth.login", actor=employee) for _ in range(3)]
    with time_machine.travel(start - timedelta(days=364), tick=False):
        kept = services.record("auth.login", actor=employee)

    with time_machine.travel(start, tick=False):
        call_command("audit_purge", stdout=io.StringIO())
        call_command("audit_purge", stdout=io.StringIO())  # a second run removes nothing

    remaining = list(AuditEntry.objects.order_by("sequence"))
    assert [e.pk for e in remaining][0] == kept.pk
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    purge = AuditEntry.objects.get(action="audit.purged")
    assert purge.data["purged"] == 3
    assert AuditCheckpoint.objects.get().purged_through_sequence == old[-1].sequence
    assert services.verify_chain().ok


def test_purge_dry_run_changes_nothing(employee):
    with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
        services.record("auth.login", actor=employee)
    out = io.StringIO()

    call_command("audit_purge", "--dry-run", stdout=out)

    assert "Would remove 1 entries" in out.getvalue()
    assert actions() == ["auth.login"]


def test_purge_task_runs_through_celery(employee):
    from audit.tasks import purge_expired_entries

    with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
        services.record("auth.login", actor=employee)

    assert purge_expired_entries.apply().get() == 1
    assert AuditEntry.objects.get().client == "job"


def test_purge_is_scheduled_daily():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["audit-purge-expired"]
    assert entry["task"] == "audit.tasks.purge_expired_entries"
    assert entry["schedule"] == 24 * 3600


# --- Reading it ----------------------------------------------------------------------


def test_admin_filters_by_target_and_date_range(client, admin_user, employee):
    other = UserFactory()
    services.record("auth.login", actor=employee, target=employee)
    services.record("auth.login", actor=other, target=other)
    client.force_login(admin_user)

    response = client.get(
        reverse("admin:audit_auditentry_changelist"),
        {
            "target_type": "profiles.user",
            "target_id": str(employee.pk),
            "created_at__gte": (timezone.now() - timedelta(days=1)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert employee.username in response.text
    assert other.username not in response.text


def test_csv_export_follows_the_filters_and_is_itself_audited(client, admin_user, employee):
    services.record("auth.login", actor=employee, target=employee)
    services.record("auth.logout", actor=employee, target=employee, data={"note": "=cmd()"})
    client.force_login(admin_user)

    response = client.get(
        reverse("admin:audit_auditentry_export"), {"action__exact": "auth.logout"}
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [row["action"] for row in rows] == ["auth.logout"]
    assert rows[0]["data"] == '{"note": "=cmd()"}'
    export = AuditEntry.objects.get(action="audit.exported")
    assert export.actor == admin_user
    assert export.data == {"rows": 1, "filters": {"action__exact": "auth.logout"}}


def test_csv_export_neutralises_spreadsheet_formulas():
    assert services._csv_safe("=HYPERLINK()") == "'=HYPERLINK()"
    assert services._csv_safe("plain") == "plain"


def test_csv_export_is_for_administrators_only(client, employee):
    client.force_login(employee)

    response = client.get(reverse("admin:audit_auditentry_export"))

    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


def test_a_person_sees_the_security_events_of_their_own_account_only(client, employee):
    other = UserFactory()
    services.record(
        "auth.login",
        actor=employee,
        target=employee,
        request=RequestFactory().get("/", REMOTE_ADDR="192.0.2.44"),
    )
    services.record(
        "auth.login",
        actor=other,
        target=other,
        request=RequestFactory().get("/", REMOTE_ADDR="192.0.2.99"),
    )
    client.force_login(employee)

    response = client.get(reverse("my_security_log"))

    assert response.status_code == 200
    assert "192.0.2.44" in response.text
    assert "192.0.2.99" not in response.text
    assert "Signed in" in response.text


def test_security_log_query_count_does_not_grow(client, employee, django_assert_max_num_queries):
    for _ in range(40):
        services.record("auth.login", actor=employee, target=employee)
    client.force_login(employee)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("my_security_log"))

    assert response.status_code == 200
    assert response.text.count("<tr>") == 26  # header + 25 rows per page


# --- Changes made in Django admin -----------------------------------------------------


def admin_change_form_data(user, **changes):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "kind": user.kind,
        "job_title": user.job_title,
        "department": user.department,
        "site": user.site,
        "organisation": "",
        "sponsor": "",
        "access_expires_at_0": "",
        "access_expires_at_1": "",
        "reconfirmed_at_0": "",
        "reconfirmed_at_1": "",
        "is_staff": "",
        "is_superuser": "",
        "groups": [],
        "user_permissions": [],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": timezone.localtime(user.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": timezone.localtime(user.date_joined).strftime("%H:%M:%S"),
        # A field with a callable default sends its initial value too, as browsers do.
        "initial-date_joined_0": timezone.localtime(user.date_joined).strftime("%Y-%m-%d"),
        "initial-date_joined_1": timezone.localtime(user.date_joined).strftime("%H:%M:%S"),
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": str(user.profile.pk),
        "profile-0-user": str(user.pk),
        "profile-0-phone": "",
        "profile-0-bio": "",
        "profile-0-languages": "",
        "profile-0-interests": "",
        "user_skills-TOTAL_FORMS": "0",
        "user_skills-INITIAL_FORMS": "0",
        "user_skills-MIN_NUM_FORMS": "0",
        "user_skills-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_admin_granting_rights_is_audited_with_before_and_after(client, admin_user, employee):
    moderators = site_moderators_group()  # created by the migration
    client.force_login(admin_user)
    url = reverse("admin:profiles_user_change", args=[employee.pk])

    response = client.post(
        url,
        admin_change_form_data(
            employee, is_staff="on", groups=[moderators.pk], job_title="Chef de projet"
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    access = AuditEntry.objects.get(action="permission.changed")
    assert access.actor == admin_user and access.target_id == str(employee.pk)
    assert access.data == {
        "is_staff": {"before": False, "after": True},
        "groups": {"before": [], "after": ["Site moderators"]},
    }
    edit = AuditEntry.objects.get(action="account.updated_by_admin")
    assert edit.data == {"fields": ["job_title"]}
    assert edit.client == "admin"
