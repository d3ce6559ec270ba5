"""The processing register (generated from the code and the settings, the legal basis
written by the DPO) and the rights of the charter as links."""

import csv
import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from audit.models import AuditEntry
from charter.content import default_charter
from privacy import register
from privacy.models import ProcessingRecord

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/admin/privacy/processingrecord/register/"
CSV = "/admin/privacy/processingrecord/register.csv"


def test_every_model_holding_personal_data_is_in_the_register():
    """Fails when an app adds a model with a link to a person (or an e-mail, an
    address…) without its entry in privacy/register.py."""
    missing = register.personal_data_models() - register.registered_models()
    assert not missing, f"Add these models to privacy/register.py: {sorted(missing)}"


def test_the_introspection_finds_the_models_it_should():
    found = register.personal_data_models()
    assert {"profiles.user", "posts.post", "audit.auditentry", "privacy.dataexport"} <= found
    assert "taggit.tag" not in found


def test_the_register_names_only_models_that_exist():
    for label in register.registered_models():
        apps.get_model(label)  # LookupError for a typo or a model gone


def test_the_register_quotes_the_settings(settings):
    settings.CONTENT_DELETED_RETENTION_DAYS = 45
    settings.AUDIT_RETENTION_DAYS = 400
    rows = {row.entry.key: row for row in register.rows()}
    assert "45 days" in rows["content"].retention
    assert rows["content"].entry.enforced_by == "content_retention"
    assert "400 days" in rows["audit"].retention


@pytest.fixture
def dpo():
    person = UserFactory(is_staff=True)
    person.user_permissions.add(
        Permission.objects.get(codename="view_processingrecord"),
        Permission.objects.get(codename="change_processingrecord"),
        Permission.objects.get(codename="add_processingrecord"),
    )
    return person


def test_the_dpo_reads_the_register_and_edits_a_legal_basis(client, dpo):
    client.force_login(dpo)
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    for entry in register.ENTRIES:
        assert str(entry.category) in text
    assert "/admin/privacy/processingrecord/add/?key=content" in text
    assert "in no entry of the register" not in text

    form = client.get("/admin/privacy/processingrecord/add/?key=content")
    assert "Legitimate interest (the company&#x27;s internal communication)." in (
        form.content.decode()
    )
    response = client.post(
        "/admin/privacy/processingrecord/add/",
        {"key": "content", "legal_basis": "Art. 6(1)(f), balancing test of 2026-03", "note": ""},
    )
    assert response.status_code == 302
    assert "balancing test of 2026-03" in client.get(PAGE).content.decode()


def test_the_register_exports_as_csv_and_the_export_is_audited(client, dpo):
    ProcessingRecord.objects.create(key="audit", legal_basis="=HYPERLINK(evil)")
    client.force_login(dpo)
    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="processing-register.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["key"] for r in rows] == [e.key for e in register.ENTRIES]
    audit_row = next(r for r in rows if r["key"] == "audit")
    assert audit_row["legal_basis"] == "'=HYPERLINK(evil)"  # no formula in a spreadsheet
    assert audit_row["enforced_by"] == "audit_purge"
    assert AuditEntry.objects.filter(action="privacy.register_exported", actor=dpo).count() == 1


@pytest.mark.parametrize("url", [PAGE, CSV])
def test_the_register_is_for_the_dpo_and_administrators_only(client, url, employee):
    assert client.get(url).status_code == 302  # to the sign-in
    client.force_login(employee)
    assert client.get(url).status_code in (302, 403)
    client.force_login(UserFactory(is_staff=True))  # staff without the permission
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200


# The charter -------------------------------------------------------------------------


def test_the_charter_quotes_the_retention_and_the_dpo_and_links_the_rights(settings):
    settings.CONTENT_DELETED_RETENTION_DAYS = 21
    settings.PRIVACY_DPO_CONTACT = "dpo@corp.example"
    _fr, _en, pairs = default_charter()
    french = "\n".join(fr.body for fr, _ in pairs)
    english = "\n".join(en.body for _, en in pairs)
    for text in (french, english):
        assert "21" in text and "dpo@corp.example" in text
        for link in ("(/me/data/)", "(/me/)", "(/me/#erase-title)", "(/notifications/settings/)"):
            assert link in text
    assert "after 21 days" in english


def test_the_charter_page_shows_the_rights_as_links(client, employee):
    client.force_login(employee)
    page = client.get("/charter/").content.decode()
    assert 'href="/me/data/"' in page
    assert 'href="/notifications/settings/"' in page
