"""Sign-off of a major version: each approver approves the text as it stands; a major
version is published only once all have; each approval is audited; a revision asks for
the approvals again; a minor version, or a company without approvers, needs none."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from charter import services, signoff
from charter.models import CharterSignOff, CharterVersion

from .consultation_factories import approver, charter_author, draft_of
from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    return draft_of(body_en="A new context.", body_fr="Un nouveau contexte.")


@pytest.fixture
def legal():
    return approver(first_name="Louise", last_name="Legal")


@pytest.fixture
def union():
    return approver(first_name="Ulysse", last_name="Union")


def publish(version, actor, major=True):
    return services.charter_version_publish(
        version=version, actor=actor, requires_reacceptance=major
    )


def test_a_major_version_waits_for_every_approver(draft, legal, union, admin_user):
    signoff.charter_signoff_record(version=draft, actor=legal)

    with pytest.raises(ValidationError) as refusal:
        publish(draft, admin_user)

    assert "still to approve: Ulysse Union." in " ".join(refusal.value.messages)
    assert CharterVersion.objects.get(pk=draft.pk).status == "draft"
    assert not AuditEntry.objects.filter(action="charter.published").exists()

    signoff.charter_signoff_record(version=draft, actor=union)
    publish(draft, admin_user)
    assert CharterVersion.objects.get(pk=draft.pk).is_published


def test_each_approval_is_audited(draft, legal):
    signoff.charter_signoff_record(version=draft, actor=legal)

    entry = AuditEntry.objects.get(action="charter.approved")
    assert entry.actor == legal and entry.data["number"] == draft.number


def test_approving_twice_is_refused_and_changes_nothing(draft, legal):
    signoff.charter_signoff_record(version=draft, actor=legal)

    with pytest.raises(ValidationError, match="already approved this text"):
        signoff.charter_signoff_record(version=draft, actor=legal)

    assert CharterSignOff.objects.count() == 1
    assert AuditEntry.objects.filter(action="charter.approved").count() == 1


def test_only_approvers_approve(draft, legal):
    with pytest.raises(PermissionDenied):
        signoff.charter_signoff_record(version=draft, actor=UserFactory())
    assert not CharterSignOff.objects.exists()


def test_a_revision_asks_for_the_approvals_again(draft, legal, admin_user):
    signoff.charter_signoff_record(version=draft, actor=legal)
    draft.sections.filter(number="1").update(body_en="Revised after the consultation.")

    assert signoff.signoff_missing(draft) == [legal]
    with pytest.raises(ValidationError, match="still to approve"):
        publish(draft, admin_user)

    signoff.charter_signoff_record(version=draft, actor=legal)  # the new text: allowed
    publish(draft, admin_user)
    assert CharterSignOff.objects.filter(approver=legal).count() == 2


def test_a_minor_version_needs_no_sign_off(draft, legal, admin_user):
    publish(draft, admin_user, major=False)

    assert CharterVersion.objects.get(pk=draft.pk).is_published


def test_without_approvers_no_sign_off_is_asked(draft, admin_user):
    assert not signoff.approvers().exists()

    publish(draft, admin_user)

    assert CharterVersion.objects.get(pk=draft.pk).is_published


def test_a_former_approver_is_not_waited_for(draft, legal, union, admin_user):
    union.is_active = False
    union.save()
    signoff.charter_signoff_record(version=draft, actor=legal)

    publish(draft, admin_user)

    assert CharterVersion.objects.get(pk=draft.pk).is_published


def test_a_published_version_is_not_approved_any_more(draft, legal, admin_user):
    publish(draft, admin_user, major=False)

    with pytest.raises(ValidationError, match="already published"):
        signoff.charter_signoff_record(version=draft, actor=legal)


def test_approvers_approve_on_the_drafts_page(client, draft, legal, union):
    client.force_login(legal)
    url = reverse("consultation:draft", args=[draft.number])

    page = client.get(url).content.decode()
    assert "Approve this text" in page and "Ulysse Union: not yet approved" in page

    client.post(reverse("consultation:approve", args=[draft.number]))
    again = client.post(reverse("consultation:approve", args=[draft.number]), follow=True)

    assert "already approved this text" in again.content.decode()
    assert CharterSignOff.objects.get().approver == legal


def test_the_admin_publish_action_keeps_the_gate(admin_client, draft, legal):
    response = admin_client.post(
        reverse("admin:charter_charterversion_changelist"),
        {"action": "publish_major", "_selected_action": [draft.pk]},
        follow=True,
    )

    assert "still to approve: Louise Legal." in response.content.decode()
    assert CharterVersion.objects.get(pk=draft.pk).status == "draft"


def test_the_published_version_names_its_approvers(client, draft, legal, admin_user):
    signoff.charter_signoff_record(version=draft, actor=legal)
    publish(draft, admin_user)

    page = client.get(reverse("charter:version", args=[draft.number])).content.decode()

    assert "Approved by:" in page and "Louise Legal" in page


def test_authors_and_admin_pages(client, admin_client, draft, legal):
    signoff.charter_signoff_record(version=draft, actor=legal)
    author = charter_author()
    client.force_login(author)

    assert (
        "Approve this text"
        not in client.get(reverse("consultation:draft", args=[draft.number])).content.decode()
    )
    assert client.post(reverse("consultation:approve", args=[draft.number])).status_code == 403
    for name in (
        "admin:charter_chartersignoff_changelist",
        "admin:consultation_consultation_changelist",
        "admin:consultation_sectionstance_changelist",
    ):
        assert admin_client.get(reverse(name)).status_code == 200
    assert (
        "Louise Legal"
        in admin_client.get(reverse("admin:charter_chartersignoff_changelist")).content.decode()
    )


def test_the_record_of_a_published_version_keeps_who_approved_it(draft, legal, admin_user):
    signoff.charter_signoff_record(version=draft, actor=legal)
    publish(draft, admin_user)
    newcomer = approver(first_name="Nina", last_name="Later")
    legal.groups.clear()

    rows = signoff.signoff_status(CharterVersion.objects.get(pk=draft.pk))

    assert [(row.approver, row.approved) for row in rows] == [(legal, True)]
    assert newcomer not in [row.approver for row in rows]
