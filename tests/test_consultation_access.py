"""Who sees a charter draft, and who comments on it: every role × every state of the
draft, on the draft page, the list of drafts, the comment and stance endpoints and the
record. A draft answers 404 to whoever may not read it (no oracle)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from charter import services as charter_services
from consultation.models import SectionComment, SectionStance

from .consultation_factories import (
    approver,
    charter_author,
    consultation_on,
    draft_of,
    representatives,
)
from .factories import ExternalFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

ROLES = [
    "anonymous",
    "employee",
    "representative",
    "external_representative",
    "author",
    "approver",
    "superuser",
    "former_representative",
]
STATES = ["unconsulted", "scheduled", "open", "ended", "closed", "all_employees"]

# Who reads the draft page, by state.
READS = {
    "unconsulted": {"author", "approver", "superuser"},
    "scheduled": {"author", "approver", "superuser"},
    "open": {"representative", "external_representative", "author", "approver", "superuser"},
    "ended": {"representative", "external_representative", "author", "approver", "superuser"},
    "closed": {"representative", "external_representative", "author", "approver", "superuser"},
    "all_employees": {"employee", "representative", "author", "approver", "superuser"},
}
# Who comments, by state (the period is open only in "open" and "all_employees").
COMMENTS = {
    "open": {"representative", "external_representative", "author", "superuser"},
    "all_employees": {"employee", "representative", "author", "approver", "superuser"},
}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cast(clock):
    people = {
        "employee": UserFactory(),
        "representative": UserFactory(),
        "external_representative": ExternalFactory(),
        "author": charter_author(),
        "approver": approver(),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
        "former_representative": UserFactory(),
    }
    group = representatives(
        people["representative"],
        people["external_representative"],
        people["former_representative"],
    )
    people["former_representative"].is_active = False
    people["former_representative"].save()
    return people, group


def make_state(state, group):
    draft = draft_of(body_en="A new context.", body_fr="Un nouveau contexte.")
    if state == "unconsulted":
        return draft
    consultation = consultation_on(
        draft,
        now=NOW - timedelta(days=20) if state == "ended" else NOW,
        groups=[] if state == "all_employees" else [group],
        all_employees=state == "all_employees",
        started=state != "scheduled",
    )
    if state == "closed":
        consultation.closed_at = NOW
        consultation.save()
    return draft


def client_for(client, cast, role):
    people, _group = cast
    if role != "anonymous":
        client.force_login(people[role])
    return client


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_draft_page_and_list_by_role_and_state(client, cast, role, state):
    draft = make_state(state, cast[1])
    client = client_for(client, cast, role)

    page = client.get(reverse("consultation:draft", args=[draft.number]))
    listing = client.get(reverse("consultation:drafts"))

    if role in READS[state]:
        assert page.status_code == 200
        assert "<ins>" in page.content.decode()
        assert f"/charter/drafts/{draft.number}/" in listing.content.decode()
    elif role in ("anonymous", "former_representative"):  # signed out: to the sign-in
        assert page.status_code == 302 and listing.status_code == 302
    else:
        assert page.status_code == 404
        assert listing.status_code in (200, 302)
        assert f"/charter/drafts/{draft.number}/" not in listing.content.decode()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_comment_and_stance_by_role_and_state(client, cast, role, state):
    draft = make_state(state, cast[1])
    client = client_for(client, cast, role)

    comment = client.post(
        reverse("consultation:comment", args=[draft.number]),
        {"section": "1", "body": "Shorter, please."},
    )
    stance = client.post(
        reverse("consultation:stance", args=[draft.number]),
        {"section": "1", "stance": "object"},
    )

    if role in COMMENTS.get(state, set()):
        assert comment.status_code == 302 and stance.status_code == 302
        assert SectionComment.objects.get().body == "Shorter, please."
        assert SectionStance.objects.get().stance == "object"
        return
    assert SectionComment.objects.count() == 0 and SectionStance.objects.count() == 0
    if role in ("anonymous", "former_representative"):
        assert comment.status_code == 302
    elif role in READS[state] and state != "unconsulted":
        assert comment.status_code == 400  # may read, but the period is not open
        assert "comments" in comment.content.decode()
    else:
        assert comment.status_code == 404 and stance.status_code == 404


def test_a_published_version_is_no_draft(client, cast):
    people, group = cast
    draft = make_state("closed", group)
    charter_services.charter_version_publish(
        version=draft, actor=people["superuser"], requires_reacceptance=False
    )
    client.force_login(people["representative"])

    assert client.get(reverse("consultation:draft", args=[draft.number])).status_code == 404
    record = client.get(reverse("consultation:record", args=[draft.number]))
    assert record.status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("employee", 404), ("representative", 200), ("author", 200), ("anonymous", 302)],
)
def test_record_of_an_unpublished_draft_is_for_those_who_read_it(client, cast, role, status):
    draft = make_state("closed", cast[1])
    client = client_for(client, cast, role)

    assert client.get(reverse("consultation:record", args=[draft.number])).status_code == status


def test_the_record_of_a_published_version_shows_comments_to_the_group_only(client, cast):
    people, group = cast
    draft = make_state("open", group)
    SectionComment.objects.create(
        consultation=draft.consultation,
        section_number="1",
        author=people["representative"],
        body="Mention the unions.",
    )
    draft.consultation.closed_at = NOW
    draft.consultation.summary = {"sections": {"1": {"comments": 1}}, "changed": {}}
    draft.consultation.save()
    charter_services.charter_version_publish(
        version=draft, actor=people["superuser"], requires_reacceptance=False
    )
    url = reverse("consultation:record", args=[draft.number])

    client.force_login(people["employee"])
    seen_by_employee = client.get(url).content.decode()
    client.force_login(people["representative"])
    seen_by_representative = client.get(url).content.decode()

    assert "Mention the unions." not in seen_by_employee and "§1" in seen_by_employee
    assert "Mention the unions." in seen_by_representative


def test_unknown_draft_and_unconsulted_draft_answer_alike(client, cast):
    people, group = cast
    draft = make_state("unconsulted", group)
    client.force_login(people["representative"])

    hidden = client.get(reverse("consultation:draft", args=[draft.number]))
    missing = client.get(reverse("consultation:draft", args=[draft.number + 50]))

    assert hidden.status_code == missing.status_code == 404
    assert main_of(hidden) == main_of(missing)


def main_of(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]
