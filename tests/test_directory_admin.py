"""The directory in Django admin: provisioning clients and their token shown once,
provisioned accounts read-only, the CSV import with its preview."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from directory.models import DirectoryEntry, ProvisioningClient, SyncRun, hash_token
from profiles.models import User

from .directory_helpers import ScimApi, make_scim_client, user_payload
from .factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "username,email,first_name,last_name,job_title,department,manager,active,groups\n"
CSV = (
    HEADER
    + "cmartin,claire@example.com,Claire,Martin,Head of purchasing,Purchasing,,yes,Buyers\n"
    + "jdupont,jean@example.com,Jean,Dupont,Buyer,Purchasing,cmartin,yes,Buyers;Lyon\n"
)


def test_a_client_is_created_with_its_token_shown_once(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:directory_provisioningclient_add"),
        {"name": "Okta", "kind": "okta"},
        follow=True,
    )

    client = ProvisioningClient.objects.get(name="Okta")
    shown = [str(m) for m in response.context["messages"]]
    token = shown[0].split("<code>")[1].split("</code>")[0]
    assert client.token_hash == hash_token(token) and client.created_by == admin_user
    assert ScimApi(token, client).get("/Users").status_code == 200
    page = admin_client.get(reverse("admin:directory_provisioningclient_change", args=[client.pk]))
    assert token not in page.content.decode()
    assert AuditEntry.objects.get(action="directory.client_created").actor == admin_user


def test_admin_revokes_and_rotates_tokens(admin_client, admin_user):
    api = make_scim_client(admin_user)
    changelist = reverse("admin:directory_provisioningclient_changelist")

    admin_client.post(changelist, {"action": "rotate_token", "_selected_action": [api.client.pk]})
    assert api.get("/Users").status_code == 401  # the former token
    admin_client.post(changelist, {"action": "revoke", "_selected_action": [api.client.pk]})

    api.client.refresh_from_db()
    assert api.client.revoked_at is not None
    assert (
        AuditEntry.objects.filter(
            action__in=["directory.client_token_rotated", "directory.client_revoked"]
        ).count()
        == 2
    )


def test_directory_fields_are_read_only_for_provisioned_accounts(admin_client, admin_user):
    api = make_scim_client(admin_user)
    alice = User.objects.get(pk=api.post("/Users", user_payload()).json()["id"])
    local = UserFactory()

    provisioned = admin_client.get(reverse("admin:profiles_user_change", args=[alice.pk]))
    by_hand = admin_client.get(reverse("admin:profiles_user_change", args=[local.pk]))

    form = provisioned.context["adminform"].form
    assert "job_title" not in form.fields and "department" not in form.fields
    assert "provisioned by the company directory" in provisioned.content.decode()
    assert "job_title" in by_hand.context["adminform"].form.fields


def test_a_csv_import_is_previewed_then_applied(admin_client, admin_user):
    url = reverse("admin:directory_syncrun_import_csv")
    upload = SimpleUploadedFile("people.csv", CSV.encode(), content_type="text/csv")

    preview = admin_client.post(url, {"file": upload})

    page = preview.content.decode()
    assert "create cmartin" in page and "create group Buyers (2 members)" in page
    assert not User.objects.filter(username="cmartin").exists()

    applied = admin_client.post(url, {"apply": "1", "digest": preview.context["digest"]})

    assert applied.status_code == 302
    jean = User.objects.get(username="jdupont")
    assert jean.directory_entry.manager.username == "cmartin"
    assert sorted(jean.groups.values_list("name", flat=True)) == ["Buyers", "Lyon"]
    run = SyncRun.objects.get()
    assert (run.source, run.created, run.groups_changed) == ("csv", 2, 2)
    entry = AuditEntry.objects.get(action="directory.sync_run")
    assert (entry.actor, entry.client) == (admin_user, "admin")


def test_a_second_import_closes_leavers_when_asked(admin_client):
    url = reverse("admin:directory_syncrun_import_csv")
    for content, close in ((CSV, False), (HEADER + CSV.splitlines()[1] + "\n", True)):
        upload = SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv")
        preview = admin_client.post(url, {"file": upload, "close_missing": close})
        admin_client.post(url, {"apply": "1", "digest": preview.context["digest"]})

    assert not User.objects.get(username="jdupont").is_active
    assert User.objects.get(username="cmartin").is_active
    assert AuditEntry.objects.get(action="account.closed").client == "admin"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,mail\nx,y\n", "Columns missing"),
        (CSV.encode("utf-16").decode("latin-1"), "UTF-8"),
    ],
)
def test_a_bad_file_is_refused_with_a_message(admin_client, content, message):
    upload = SimpleUploadedFile("people.csv", content.encode("latin-1"), content_type="text/csv")

    response = admin_client.post(reverse("admin:directory_syncrun_import_csv"), {"file": upload})

    assert message in response.content.decode()
    assert not DirectoryEntry.objects.exists()


def test_bad_lines_are_listed_and_skipped(admin_client):
    content = HEADER + "bad,not-an-address,A,B,,,,yes,\n" + CSV.splitlines()[1] + "\n"
    upload = SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv")
    url = reverse("admin:directory_syncrun_import_csv")

    preview = admin_client.post(url, {"file": upload})
    admin_client.post(url, {"apply": "1", "digest": preview.context["digest"]})

    assert "Line 2" in preview.content.decode()
    assert list(DirectoryEntry.objects.values_list("user__username", flat=True)) == ["cmartin"]


def test_the_read_only_note_is_in_french_too(admin_client, admin_user):
    api = make_scim_client(admin_user)
    alice = api.post("/Users", user_payload()).json()["id"]

    page = admin_client.get(
        reverse("admin:profiles_user_change", args=[alice]), HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert "Ce compte est alimenté par l'annuaire" in page.content.decode()
