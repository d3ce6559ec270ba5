"""LDAP / AD sync against a real OpenLDAP (a private slapd seeded with
tests/data/directory_seed.ldif): creation, update, removal → closure, groups →
audiences, dry run, and a second run that changes nothing."""

import ldap3
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from audit.models import AuditEntry
from directory.ldap import ldap_sync
from directory.models import DirectoryEntry, SyncRun
from profiles.models import User

from . import ldap_server
from .factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.ldap]

PEOPLE = "ou=people,dc=example,dc=com"
GROUPS = "ou=groups,dc=example,dc=com"


@pytest.fixture
def directory(tmp_path, settings):
    server = ldap_server.start(tmp_path)
    settings.LDAP_URL = server.url
    settings.LDAP_BIND_DN = ldap_server.ADMIN_DN
    settings.LDAP_BIND_PASSWORD = ldap_server.ADMIN_PASSWORD
    settings.LDAP_USER_BASE = PEOPLE
    settings.LDAP_GROUP_BASE = GROUPS
    settings.LDAP_FLAVOUR = "openldap"
    admin = ldap3.Connection(
        ldap3.Server(server.url),
        user=ldap_server.ADMIN_DN,
        password=ldap_server.ADMIN_PASSWORD,
        auto_bind=True,
    )
    yield admin
    admin.unbind()
    server.stop()


def state() -> dict:
    return {
        u.username: (u.is_active, u.job_title, u.department, u.kind)
        for u in User.objects.filter(directory_entry__isnull=False)
    }


def test_the_first_run_creates_people_and_groups(directory):
    report = ldap_sync()

    assert (report.created, report.groups_changed, report.errors) == (4, 2, [])
    assert state() == {
        "cmartin": (True, "Head of purchasing", "Purchasing", "employee"),
        "jdupont": (True, "Buyer", "Purchasing", "employee"),
        "lbernard": (True, "Engineer", "R&D", "employee"),
        "pclient": (True, "", "", "external"),
    }
    claire = User.objects.get(username="cmartin")
    jean = User.objects.get(username="jdupont")
    assert jean.directory_entry.manager == claire
    assert User.objects.get(username="pclient").sponsor == claire
    assert sorted(
        Group.objects.get(name="Purchasing").user_set.values_list("username", flat=True)
    ) == [
        "cmartin",
        "jdupont",
    ]
    run = SyncRun.objects.get()
    assert (run.created, run.dry_run, run.high_water_mark.endswith("Z")) == (4, False, True)
    entry = AuditEntry.objects.get(action="directory.sync_run")
    assert (entry.client, entry.data["created"]) == ("command", 4)
    assert (
        AuditEntry.objects.filter(action="directory.person_created", client="command").count() == 4
    )


def test_a_second_run_changes_nothing(directory):
    ldap_sync()
    before = (state(), AuditEntry.objects.count())

    report = ldap_sync()

    assert report.total == 0 and report.errors == []
    assert (state(), AuditEntry.objects.count() - 1) == before  # only the run's own entry
    assert SyncRun.objects.first().changes == []
    runs = AuditEntry.objects.filter(action="directory.sync_run").order_by("sequence")
    assert [r.data["incremental"] for r in runs] == [False, True]


@pytest.mark.usefixtures("tasks_run_here")
def test_the_scheduled_job_runs_the_same_sync(directory):
    from directory.tasks import ldap_sync as job

    result = job.delay().get()

    assert result == {"changes": 6, "errors": 0}
    assert AuditEntry.objects.get(action="directory.sync_run").client == "job"


def test_changes_removals_and_group_moves_are_applied(directory):
    ldap_sync()
    jean = User.objects.get(username="jdupont")
    directory.modify(
        f"uid=jdupont,{PEOPLE}",
        {
            "title": [(ldap3.MODIFY_REPLACE, ["Senior buyer"])],
            "l": [(ldap3.MODIFY_REPLACE, ["Paris"])],
        },
    )
    directory.delete(f"uid=lbernard,{PEOPLE}")
    directory.modify(
        f"cn=Engineering,{GROUPS}",
        {"member": [(ldap3.MODIFY_REPLACE, [f"uid=jdupont,{PEOPLE}"])]},
    )
    directory.delete(f"cn=Purchasing,{GROUPS}")

    report = ldap_sync()

    assert (report.updated, report.closed, report.groups_changed) == (1, 1, 2)
    jean.refresh_from_db()
    assert (jean.job_title, jean.site) == ("Senior buyer", "Paris")
    assert not User.objects.get(username="lbernard").is_active
    closed = AuditEntry.objects.get(action="account.closed")
    assert (closed.actor_label, closed.client) == ("LDAP sync", "command")
    assert list(Group.objects.get(name="Engineering").user_set.all()) == [jean]
    assert not Group.objects.filter(name="Purchasing").exists()
    updated = AuditEntry.objects.filter(action="directory.person_updated").order_by("sequence")
    assert updated.last().data["changes"] == {
        "job_title": ["Buyer", "Senior buyer"],
        "site": ["Lyon", "Paris"],
    }


def test_a_person_back_in_the_directory_is_reactivated(directory):
    ldap_sync()
    directory.modify(
        f"uid=lbernard,{PEOPLE}", {"employeeType": [(ldap3.MODIFY_REPLACE, ["Employee"])]}
    )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "django.conf.settings.LDAP_USER_FILTER",
            "(&(objectClass=inetOrgPerson)(!(uid=lbernard)))",
        )
        assert ldap_sync().closed == 1
    report = ldap_sync(full=True)

    assert report.reactivated == 1
    assert User.objects.get(username="lbernard").is_active


def test_a_dry_run_says_what_would_change_and_changes_nothing(directory, capsys):
    UserFactory(username="cmartin", email="claire.martin@example.com")  # created by hand before
    before = (User.objects.count(), AuditEntry.objects.count())

    call_command("directory_sync", "--dry-run")

    out = capsys.readouterr().out
    assert "would create cmartin (existing account)" in out
    assert "would create jdupont" in out and "would create group Purchasing" in out
    assert "Dry run: 4 created" in out
    assert (User.objects.count(), AuditEntry.objects.count()) == before
    assert not SyncRun.objects.exists() and not DirectoryEntry.objects.exists()


def test_an_account_created_by_hand_is_taken_over(directory):
    local = UserFactory(username="cmartin", email="claire.martin@example.com", job_title="?")

    ldap_sync()

    local.refresh_from_db()
    assert local.job_title == "Head of purchasing" and local.directory_entry.source == "ldap"


def test_a_bad_entry_is_reported_and_the_others_go_through(directory):
    directory.modify(
        f"uid=lbernard,{PEOPLE}", {"mail": [(ldap3.MODIFY_REPLACE, ["not-an-address"])]}
    )

    report = ldap_sync()

    assert report.created == 3
    assert len(report.errors) == 1 and "lbernard" in report.errors[0]
    assert SyncRun.objects.get().errors == report.errors
