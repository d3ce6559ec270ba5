"""Consultation on a charter draft: opening (and its bad input), comments and answers,
support and objections, the period, closing and its summary, publication with the
summary attached, the notices, the differences section by section in both languages."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from audit.models import AuditEntry
from charter import selectors as charter_selectors
from charter import services as charter_services
from charter.models import CharterVersion
from consultation import diff, services
from consultation.models import Consultation, SectionComment, SectionStance
from notifications.models import Notification

from .consultation_factories import (
    charter_author,
    charter_in_force,
    consultation_on,
    draft_of,
    representatives,
)
from .factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def author(clock):
    return charter_author(first_name="Hélène", last_name="Durand")


@pytest.fixture
def rep(clock):
    return UserFactory(first_name="Rémi", last_name="Leroy")


@pytest.fixture
def group(rep):
    return representatives(rep)


@pytest.fixture
def draft(clock):
    return draft_of(
        body_en="The company offers a social network to share what we know.",
        body_fr="L'entreprise offre un réseau social pour partager ce que nous savons.",
    )


@pytest.fixture
def consultation(draft, group):
    return consultation_on(draft, now=NOW, groups=[group])


def audit_codes() -> list[str]:
    return list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))


# --- Opening --------------------------------------------------------------------------


def test_opening_is_audited_and_tells_the_group_only(author, draft, group, rep):
    outsider = UserFactory()

    consultation = services.consultation_open(
        actor=author,
        version=draft,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=14),
        all_employees=False,
        groups=[group],
    )

    assert list(consultation.groups.all()) == [group]
    assert "consultation.opened" in audit_codes()
    told = Notification.objects.filter(kind="charter")
    assert [n.recipient for n in told] == [rep]
    assert told.get().data["event"] == "consultation_opened"
    assert told.get().target_url() == f"/charter/drafts/{draft.number}/"
    assert not Notification.objects.filter(recipient=outsider).exists()


@pytest.mark.parametrize(
    ("start", "end", "all_employees", "with_group", "message"),
    [
        (NOW, NOW - timedelta(days=1), False, True, "must come after its start"),
        (NOW, NOW, False, True, "must come after its start"),
        (NOW - timedelta(days=9), NOW - timedelta(days=2), False, True, "already past"),
        (NOW, NOW + timedelta(days=5), False, False, "at least one consultation group"),
    ],
)
def test_opening_refuses_bad_input_and_changes_nothing(
    author, draft, group, start, end, all_employees, with_group, message
):
    before = audit_codes()
    with pytest.raises(ValidationError) as refusal:
        services.consultation_open(
            actor=author,
            version=draft,
            starts_at=start,
            ends_at=end,
            all_employees=all_employees,
            groups=[group] if with_group else [],
        )

    assert message in " ".join(refusal.value.messages)
    assert not Consultation.objects.exists()
    assert audit_codes() == before and not Notification.objects.exists()


def test_opening_twice_or_a_published_version_is_refused(author, consultation, group):
    with pytest.raises(ValidationError, match="already has a consultation"):
        services.consultation_open(
            actor=author,
            version=consultation.version,
            starts_at=NOW,
            ends_at=NOW + timedelta(days=3),
            all_employees=True,
        )
    with pytest.raises(ValidationError, match="already published"):
        services.consultation_open(
            actor=author,
            version=charter_in_force(),
            starts_at=NOW,
            ends_at=NOW + timedelta(days=3),
            all_employees=True,
        )
    assert Consultation.objects.count() == 1


def test_only_authors_open_a_consultation(rep, draft, group):
    with pytest.raises(PermissionDenied):
        services.consultation_open(
            actor=rep,
            version=draft,
            starts_at=NOW,
            ends_at=NOW + timedelta(days=3),
            all_employees=True,
        )
    assert not Consultation.objects.exists()


def test_the_open_form_keeps_what_was_typed_and_explains(client, author, draft, group):
    client.force_login(author)

    response = client.post(
        reverse("consultation:open", args=[draft.number]),
        {"starts_at": "2026-03-10T09:00", "ends_at": "2026-03-05T09:00", "groups": [group.pk]},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "The end of the consultation must come after its start." in page
    assert 'value="2026-03-10T09:00' in page or "2026-03-10 09:00" in page
    assert not Consultation.objects.exists()


def test_a_scheduled_consultation_tells_when_it_starts_once(author, draft, group, rep, clock):
    services.consultation_open(
        actor=author,
        version=draft,
        starts_at=NOW + timedelta(days=1),
        ends_at=NOW + timedelta(days=10),
        all_employees=False,
        groups=[group],
    )
    assert not Notification.objects.exists()

    clock.move_to(NOW + timedelta(days=1, hours=1))
    call_command("consultation_notices", "--dry-run")
    assert not Notification.objects.exists()
    assert services.notices_send() == {"opened": 1, "closing_soon": 0}
    assert services.notices_send() == {"opened": 0, "closing_soon": 0}

    clock.move_to(NOW + timedelta(days=8, hours=12))  # 36 hours before the end
    assert services.notices_send() == {"opened": 0, "closing_soon": 1}
    assert services.notices_send() == {"opened": 0, "closing_soon": 0}
    events = list(Notification.objects.order_by("pk").values_list("data__event", flat=True))
    assert events == ["consultation_opened", "consultation_closing_soon"]


def test_all_employees_are_told_but_not_externals(author, draft):
    from .factories import ExternalFactory

    employees = [UserFactory(), UserFactory()]
    ExternalFactory()

    services.consultation_open(
        actor=author,
        version=draft,
        starts_at=NOW,
        ends_at=NOW + timedelta(days=10),
        all_employees=True,
    )

    told = set(Notification.objects.values_list("recipient", flat=True))
    assert {e.pk for e in employees} <= told
    assert all(r.kind == "employee" for r in (n.recipient for n in Notification.objects.all()))


# --- Comments and stances ---------------------------------------------------------------


def test_comment_and_answer_one_level_and_the_author_is_told(consultation, rep, author):
    first = services.comment_add(
        actor=rep, consultation=consultation, section_number="1", body="  Too long.  "
    )
    answer = services.comment_add(
        actor=author,
        consultation=consultation,
        section_number="ignored: the thread's section",
        body="Shortened in the next revision.",
        parent_id=first.pk,
    )

    assert first.body == "Too long." and answer.parent == first and answer.section_number == "1"
    told = Notification.objects.get(recipient=rep)
    assert told.data["event"] == "comment_answered" and told.actor == author
    assert told.target_url() == f"/charter/drafts/{consultation.version.number}/#comment-{first.pk}"
    with pytest.raises(ValidationError, match="not an answer"):
        services.comment_add(
            actor=rep,
            consultation=consultation,
            section_number="1",
            body="Thanks",
            parent_id=answer.pk,
        )
    assert SectionComment.objects.count() == 2


@pytest.mark.parametrize(
    ("section", "body", "message"),
    [
        ("1", "   ", "Write a comment before sending it."),
        ("99", "Where is it?", "Choose a section of the draft."),
        ("1", "x" * 4001, "at most 4000 characters"),
    ],
)
def test_bad_comments_are_refused_and_nothing_is_saved(consultation, rep, section, body, message):
    with pytest.raises(ValidationError) as refusal:
        services.comment_add(
            actor=rep, consultation=consultation, section_number=section, body=body
        )

    assert message in " ".join(refusal.value.messages)
    assert not SectionComment.objects.exists()


def test_an_empty_comment_on_the_page_is_explained(client, consultation, rep):
    client.force_login(rep)

    response = client.post(
        reverse("consultation:comment", args=[consultation.version.number]),
        {"section": "1", "body": "  "},
    )

    assert response.status_code == 400
    assert "Write a comment before sending it." in response.content.decode()
    assert not SectionComment.objects.exists()


def test_a_refused_answer_keeps_what_was_typed(client, consultation, rep, author):
    first = services.comment_add(
        actor=rep, consultation=consultation, section_number="1", body="Too long."
    )
    services.consultation_close(actor=author, consultation=consultation)
    client.force_login(author)

    response = client.post(
        reverse("consultation:comment", args=[consultation.version.number]),
        {"section": "1", "parent": first.pk, "body": "We <b>agree</b>."},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "The consultation is over: comments are no longer taken." in page
    assert "We &lt;b&gt;agree&lt;/b&gt;." in page
    assert SectionComment.objects.count() == 1


def test_comments_close_with_the_period(consultation, rep, clock):
    services.comment_add(actor=rep, consultation=consultation, section_number="1", body="Early")
    clock.move_to(consultation.ends_at)

    with pytest.raises(ValidationError, match="no longer taken"):
        services.comment_add(actor=rep, consultation=consultation, section_number="1", body="Late")
    with pytest.raises(ValidationError, match="no longer taken"):
        services.stance_set(
            actor=rep, consultation=consultation, section_number="1", stance="object"
        )
    assert SectionComment.objects.count() == 1 and not SectionStance.objects.exists()


def test_support_object_and_withdraw(consultation, rep):
    services.stance_set(actor=rep, consultation=consultation, section_number="1", stance="support")
    services.stance_set(actor=rep, consultation=consultation, section_number="1", stance="object")
    assert SectionStance.objects.get().stance == "object"

    with pytest.raises(ValidationError, match="support or to object"):
        services.stance_set(actor=rep, consultation=consultation, section_number="1", stance="meh")
    assert SectionStance.objects.get().stance == "object"

    services.stance_set(actor=rep, consultation=consultation, section_number="1", stance="")
    assert not SectionStance.objects.exists()


def test_the_page_shows_threads_and_counts(client, consultation, rep, author):
    first = services.comment_add(
        actor=rep, consultation=consultation, section_number="1", body="<script>x</script>"
    )
    services.comment_add(
        actor=author,
        consultation=consultation,
        section_number="1",
        body="Noted.",
        parent_id=first.pk,
    )
    services.stance_set(actor=rep, consultation=consultation, section_number="1", stance="object")
    client.force_login(rep)

    page = client.get(reverse("consultation:draft", args=[consultation.version.number]))

    text = page.content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in text and "<script>x" not in text
    assert "Noted." in text
    assert "Support: 0 · Objections: 1" in text
    assert "you object to this section" in text


def test_the_draft_page_queries_do_not_grow(
    client, consultation, rep, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            person = UserFactory()
            representatives(person)
            first = services.comment_add(
                actor=person, consultation=consultation, section_number=str(1 + i % 3), body="A"
            )
            services.comment_add(
                actor=rep,
                consultation=consultation,
                section_number="1",
                body="B",
                parent_id=first.pk,
            )
            services.stance_set(
                actor=person, consultation=consultation, section_number="2", stance="support"
            )

    client.force_login(rep)
    url = reverse("consultation:draft", args=[consultation.version.number])
    add(2)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


# --- Differences ------------------------------------------------------------------------


def test_differences_section_by_section_in_both_languages(draft):
    current = charter_in_force()
    draft.sections.filter(number="2").delete()
    draft.sections.create(
        number="9",
        position=99,
        title_fr="Annexe",
        title_en="Annex",
        body_fr="Texte",
        body_en="Text",
    )

    english = {
        d.number: d for d in diff.section_diffs(current.sections.all(), draft.sections.all(), "en")
    }
    french = {
        d.number: d for d in diff.section_diffs(current.sections.all(), draft.sections.all(), "fr")
    }

    assert english["1"].status == french["1"].status == "changed"
    assert "<ins>" in english["1"].after and "<del>" in english["1"].before
    assert "share what we know" in strip_tags(english["1"].after)
    assert "partager ce que nous savons" in strip_tags(french["1"].after)
    assert english["2"].status == "removed" and english["9"].status == "added"
    assert french["9"].title_after == "Annexe" and english["9"].title_after == "Annex"
    assert english["3"].status == "unchanged" and "<ins>" not in english["3"].after


def test_differences_escape_the_text():
    before, after = diff.mark_words("a <b>bold</b> claim", "a <i>bold</i> claim & more")

    assert "<" not in re.sub(r"</?(del|ins)>", "", before + after)
    assert "&lt;b&gt;" in before.replace("<del>", "").replace("</del>", "")
    assert "&amp;" in after
    assert "<ins>" in after and "<del>" in before


def test_the_page_shows_the_differences_in_the_readers_language(client, consultation, rep):
    client.force_login(rep)

    english = client.get(reverse("consultation:draft", args=[consultation.version.number]))
    french = client.get(
        reverse("consultation:draft", args=[consultation.version.number]),
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert "share what we know" in strip_tags(english.content.decode())
    assert "partager ce que nous savons" in strip_tags(french.content.decode())
    assert "share what we know" not in strip_tags(french.content.decode())


# --- Closing, summary, publication -------------------------------------------------------


def test_closing_keeps_comments_and_freezes_the_summary(consultation, rep, author, clock):
    other = UserFactory()
    representatives(other)
    first = services.comment_add(actor=rep, consultation=consultation, section_number="1", body="A")
    services.comment_add(
        actor=author, consultation=consultation, section_number="1", body="B", parent_id=first.pk
    )
    services.stance_set(actor=rep, consultation=consultation, section_number="1", stance="object")
    services.stance_set(
        actor=other, consultation=consultation, section_number="3", stance="support"
    )

    services.consultation_close(actor=author, consultation=consultation)

    summary = Consultation.objects.get().summary
    assert summary["changed"] == {"1": "changed"}
    assert summary["sections"]["1"] == {"comments": 1, "answers": 1, "support": 0, "object": 1}
    assert summary["sections"]["3"]["support"] == 1
    assert summary["open_objections"] == 1 and summary["participants"] == 3
    assert SectionComment.objects.count() == 2
    assert "consultation.closed" in audit_codes()
    with pytest.raises(ValidationError, match="already closed"):
        services.consultation_close(actor=author, consultation=consultation)
    with pytest.raises(ValidationError, match="no longer taken"):
        services.comment_add(actor=rep, consultation=consultation, section_number="1", body="C")


def test_publication_waits_for_the_close_then_attaches_the_summary(client, consultation, author):
    draft = consultation.version
    with pytest.raises(ValidationError, match="Close the consultation"):
        charter_services.charter_version_publish(
            version=draft, actor=author, requires_reacceptance=True
        )
    assert CharterVersion.objects.get(pk=draft.pk).status == "draft"
    assert "charter.published" not in audit_codes()

    services.consultation_close(actor=author, consultation=consultation)
    charter_services.charter_version_publish(
        version=draft, actor=author, requires_reacceptance=True
    )

    assert Consultation.objects.get().summary_attached_at == NOW
    assert audit_codes()[-2:] == ["charter.published", "consultation.summary_attached"]
    client.force_login(UserFactory())
    page = client.get(reverse("charter:version", args=[draft.number])).content.decode()
    assert f'href="/charter/consultations/{draft.number}/"' in page
    record = client.get(reverse("consultation:record", args=[draft.number])).content.decode()
    assert "objections still open" in record


def test_employees_are_asked_to_accept_the_published_version(consultation, author, rep):
    services.consultation_close(actor=author, consultation=consultation)
    charter_services.charter_version_publish(
        version=consultation.version, actor=author, requires_reacceptance=True
    )

    assert charter_selectors.read_charter_status(rep)["accepted"] is False


def test_the_page_publishes_through_the_same_rules(client, consultation, author):
    client.force_login(author)
    url = reverse("consultation:publish", args=[consultation.version.number])

    refused = client.post(url, {"change": "major"}, follow=True)
    assert "Close the consultation" in refused.content.decode()

    client.post(reverse("consultation:close", args=[consultation.version.number]))
    published = client.post(url, {"change": "minor"})

    assert published.status_code == 302
    version = CharterVersion.objects.get(pk=consultation.version.pk)
    assert version.is_published and not version.requires_reacceptance


def test_french_notification_sentences(consultation, rep, author):
    from notifications.rendering import as_text, render_notification

    first = services.comment_add(actor=rep, consultation=consultation, section_number="1", body="A")
    services.comment_add(
        actor=author, consultation=consultation, section_number="1", body="B", parent_id=first.pk
    )
    with translation.override("fr"):
        text = as_text(render_notification(Notification.objects.get(recipient=rep)))

    assert "a répondu à" in text and "§1" in text


# --- Admin, record, e-mails ---------------------------------------------------------------


def test_the_admin_reads_consultations_with_their_comments(admin_client, consultation, rep):
    services.comment_add(
        actor=rep, consultation=consultation, section_number="1", body="Seen in the admin."
    )

    listing = admin_client.get(reverse("admin:consultation_consultation_changelist"))
    detail = admin_client.get(
        reverse("admin:consultation_consultation_change", args=[consultation.pk])
    )

    assert f"/charter/drafts/{consultation.version.number}/" in listing.content.decode()
    assert "Seen in the admin." in detail.content.decode()
    assert admin_client.get(reverse("admin:consultation_consultation_add")).status_code == 403


def test_the_record_and_the_drafts_list_queries_do_not_grow(
    client, consultation, rep, author, django_assert_max_num_queries
):
    for i in range(15):
        person = UserFactory()
        representatives(person)
        services.comment_add(
            actor=person, consultation=consultation, section_number=str(1 + i % 4), body="A"
        )
    services.consultation_close(actor=author, consultation=consultation)
    for _ in range(5):
        draft_of()
    client.force_login(author)

    with django_assert_max_num_queries(20):
        client.get(reverse("consultation:record", args=[consultation.version.number]))
    with django_assert_max_num_queries(12):
        client.get(reverse("consultation:drafts"))


def test_the_notices_task_runs_the_same_service(author, draft, group, rep):
    from consultation.tasks import send_notices

    Consultation.objects.create(
        version=draft, starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(days=9)
    ).groups.set([group])

    assert send_notices() == {"opened": 1, "closing_soon": 0}
    assert send_notices() == {"opened": 0, "closing_soon": 0}


def test_the_email_of_a_notice_links_to_the_draft(consultation, rep, author, settings):
    from notifications.emails import notification_message

    settings.RSE_SITE_URL = "https://rse.example.com"
    first = services.comment_add(actor=rep, consultation=consultation, section_number="1", body="A")
    services.comment_add(
        actor=author, consultation=consultation, section_number="1", body="B", parent_id=first.pk
    )

    message = notification_message(rep, Notification.objects.get(recipient=rep), language="fr")

    html = str(message.alternatives[0][0])
    assert f"https://rse.example.com/charter/drafts/{consultation.version.number}/" in html
    assert "a répondu à votre commentaire sur le §1" in message.body
