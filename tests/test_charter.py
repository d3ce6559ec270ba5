"""The usage charter: versions, publication rules, acceptance, the gate, report reasons."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from audit.models import AuditEntry
from charter import content, selectors, services
from charter.models import CharterAcceptance, CharterSection, CharterVersion
from charter.permissions import CharterNotAccepted, ensure_charter_accepted
from profiles import services as profile_services
from profiles.models import Profile, UserSkill

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def charter():
    """The charter in force: the default one the migration publishes."""
    return selectors.current_version() or services.charter_load_default()


@pytest.fixture
def newcomer(charter):
    return UserFactory(first_name="Nadia", accepted_charter=False)


def draft_after(version, *, number=None, summary=True, **section_overrides):
    draft = services.charter_version_copy_to_draft(version=version, actor=None)
    if number is not None:
        CharterVersion.objects.filter(pk=draft.pk).update(number=number)
    if summary:
        CharterVersion.objects.filter(pk=draft.pk).update(summary_fr="Ajout", summary_en="Added")
    if section_overrides:
        draft.sections.filter(number="1").update(**section_overrides)
    draft.refresh_from_db()
    return draft


# --- The default charter ----------------------------------------------------------


def test_default_charter_is_published_complete_in_both_languages(charter):
    sections = list(charter.sections.all())

    assert charter.number == 1 and charter.is_published and charter.requires_reacceptance
    assert [s.number for s in sections if not s.is_subsection][:8] == [str(n) for n in range(1, 9)]
    assert all(s.title_fr and s.title_en and s.body_fr and s.body_en for s in sections)
    assert len(selectors.report_reasons(charter)) >= 8


@override_settings(
    AUDIT_RETENTION_DAYS=400,
    REPORT_AUTO_HIDE_THRESHOLD=5,
    COMMUNITY_INACTIVE_DAYS=200,
    EXTERNAL_RECONFIRM_DAYS=60,
)
def test_default_charter_quotes_the_numbers_the_product_enforces():
    _, _, pairs = content.default_charter()
    french = " ".join(fr.body for fr, _ in pairs)
    english = " ".join(en.body for _, en in pairs)

    for text in (french, english):
        assert "400" in text and "200" in text and "60" in text
        assert "{" not in text and "}" not in text


# --- Publishing -------------------------------------------------------------------


def test_publishing_a_draft_freezes_it_and_is_audited(charter, admin_user):
    draft = draft_after(charter)

    services.charter_version_publish(version=draft, actor=admin_user, requires_reacceptance=True)

    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == admin_user
    assert selectors.current_version() == draft
    entry = AuditEntry.objects.get(action="charter.published", actor=admin_user)
    assert entry.data == {"number": draft.number, "requires_reacceptance": True}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"section": {"body_en": "  "}}, "Section 1 needs its title and text"),
        ({"section": {"title_fr": ""}}, "Section 1 needs its title and text"),
        ({"number": 0}, "must be greater than 1"),
        ({"summary": False}, "Say what changed"),
    ],
)
def test_publishing_refuses_incomplete_or_misnumbered_versions(
    charter, admin_user, change, message
):
    draft = draft_after(
        charter,
        number=change.get("number"),
        summary=change.get("summary", True),
        **change.get("section", {}),
    )

    with pytest.raises(ValidationError, match=message):
        services.charter_version_publish(
            version=draft, actor=admin_user, requires_reacceptance=True
        )

    draft.refresh_from_db()
    assert not draft.is_published
    assert selectors.current_version() == charter
    assert not AuditEntry.objects.filter(action="charter.published", actor=admin_user)


def test_a_version_cannot_be_published_twice(charter, admin_user):
    with pytest.raises(ValidationError, match="already published"):
        services.charter_version_publish(
            version=charter, actor=admin_user, requires_reacceptance=False
        )


def test_admin_publishes_with_an_action_and_cannot_edit_a_published_version(
    client, admin_user, charter
):
    draft = draft_after(charter)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:charter_charterversion_changelist"),
        {"action": "publish_minor", "_selected_action": [draft.pk]},
        follow=True,
    )
    edit = client.post(
        reverse("admin:charter_charterversion_change", args=[charter.pk]), {"title_en": "Rewritten"}
    )

    draft.refresh_from_db()
    assert "is published" in response.text
    assert draft.is_published and not draft.requires_reacceptance
    assert edit.status_code == 403
    assert CharterVersion.objects.get(pk=charter.pk).title_en != "Rewritten"


def test_admin_shows_who_accepted_and_the_acceptance_rate(client, admin_user, charter, newcomer):
    client.force_login(admin_user)  # admin_user accepted (factory); newcomer has not

    versions = client.get(reverse("admin:charter_charterversion_changelist"))
    acceptances = client.get(reverse("admin:charter_charteracceptance_changelist"))

    assert "1 / 2 (50 %)" in versions.text
    assert "1 of 2 active people (50 %)" in acceptances.text
    assert str(admin_user) in acceptances.text


# --- Accepting ----------------------------------------------------------------------


def test_accepting_records_time_address_and_audit(client, newcomer, charter):
    client.force_login(newcomer)

    response = client.post(
        reverse("charter:accept"),
        {"version": charter.pk, "agree": "on", "next": "/"},
        REMOTE_ADDR="192.0.2.7",
    )

    assert response.status_code == 302 and response.headers["Location"] == "/"
    acceptance = CharterAcceptance.objects.get(user=newcomer)
    assert acceptance.version == charter and acceptance.ip_address == "192.0.2.7"
    assert AuditEntry.objects.filter(action="charter.accepted", actor=newcomer).count() == 1


def test_accepting_twice_does_nothing_more(newcomer, charter):
    services.charter_accept(user=newcomer, version=charter)
    services.charter_accept(user=newcomer, version=charter)

    assert CharterAcceptance.objects.filter(user=newcomer).count() == 1
    assert AuditEntry.objects.filter(action="charter.accepted").count() == 1


def test_accepting_an_old_version_is_refused_cleanly(client, newcomer, charter, admin_user):
    newer = draft_after(charter)
    services.charter_version_publish(version=newer, actor=admin_user, requires_reacceptance=True)
    client.force_login(newcomer)

    response = client.post(
        reverse("charter:accept"), {"version": charter.pk, "agree": "on"}, follow=True
    )

    assert "no longer the current one" in response.text
    assert not CharterAcceptance.objects.filter(user=newcomer).exists()


def test_accepting_without_ticking_the_box_is_refused(client, newcomer, charter):
    client.force_login(newcomer)

    response = client.post(reverse("charter:accept"), {"version": charter.pk})

    assert response.status_code == 400
    assert "Tick the box to accept the charter." in response.text
    assert not CharterAcceptance.objects.filter(user=newcomer).exists()


def test_next_cannot_send_people_off_site(client, newcomer, charter):
    client.force_login(newcomer)

    response = client.post(
        reverse("charter:accept"),
        {"version": charter.pk, "agree": "on", "next": "https://evil.example.net/"},
    )

    assert response.headers["Location"] == reverse("posts:home")


# --- The gate -----------------------------------------------------------------------


@override_settings(ROOT_URLCONF="tests.test_charter_urls")
def test_a_person_who_has_not_accepted_cannot_contribute(client, newcomer):
    client.force_login(newcomer)

    response = client.post("/contribute/", HTTP_REFERER="http://testserver/read/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/charter/?next=http%3A%2F%2Ftestserver%2Fread%2F"
    assert client.get("/read/").status_code == 200  # reading stays possible by default


@override_settings(ROOT_URLCONF="tests.test_charter_urls")
def test_accepting_opens_contribution(client, newcomer, charter):
    client.force_login(newcomer)
    services.charter_accept(user=newcomer, version=charter)

    assert client.post("/contribute/").text == "contributed"


@override_settings(ROOT_URLCONF="tests.test_charter_urls")
def test_a_major_version_closes_contribution_again_a_minor_one_does_not(
    client, employee, charter, admin_user
):
    client.force_login(employee)
    minor = draft_after(charter)
    services.charter_version_publish(version=minor, actor=admin_user, requires_reacceptance=False)

    assert client.post("/contribute/").text == "contributed"

    major = draft_after(minor)
    services.charter_version_publish(version=major, actor=admin_user, requires_reacceptance=True)

    assert client.post("/contribute/").status_code == 302
    with pytest.raises(CharterNotAccepted):
        ensure_charter_accepted(employee)


@override_settings(ROOT_URLCONF="tests.test_charter_urls", CHARTER_REQUIRED_TO_READ=True)
def test_the_read_gate_setting_sends_to_the_charter_before_reading(client, newcomer):
    client.force_login(newcomer)

    response = client.get("/read/?page=2")

    assert response.status_code == 302
    assert response.headers["Location"] == "/charter/?next=%2Fread%2F%3Fpage%3D2"
    assert client.get(reverse("charter:current")).status_code == 200
    assert client.get(reverse("my_security_log")).status_code == 200


def test_signing_out_and_account_pages_stay_open_before_accepting(client, newcomer):
    client.force_login(newcomer)

    assert client.get(reverse("account_email")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("posts:home")).status_code == 302


def test_the_banner_asks_to_accept_then_announces_a_minor_update(
    client, newcomer, charter, admin_user
):
    client.force_login(newcomer)
    assert "Please read and accept the usage charter" in client.get("/").text

    services.charter_accept(user=newcomer, version=charter)
    assert "Please read and accept" not in client.get("/").text

    minor = draft_after(charter)
    services.charter_version_publish(version=minor, actor=admin_user, requires_reacceptance=False)
    page = client.get("/").text
    assert "The usage charter was updated (version 2)" in page and "Added" in page


def test_ensure_charter_accepted_guards_services(newcomer, employee):
    with pytest.raises(CharterNotAccepted):
        ensure_charter_accepted(newcomer)
    ensure_charter_accepted(employee)


# --- Reading it ---------------------------------------------------------------------


def test_charter_page_shows_sections_history_and_my_acceptance(client, employee, charter):
    client.force_login(employee)

    response = client.get(reverse("charter:current"))

    assert response.status_code == 200
    first = charter.sections.first()
    assert first.title_en in response.text
    assert "You accepted this version on" in response.text
    assert "Version 1" in response.text
    assert 'action="/charter/accept/"' not in response.text


def test_charter_page_in_french(client, employee, charter):
    client.force_login(employee)

    response = client.get(reverse("charter:current"), HTTP_ACCEPT_LANGUAGE="fr")

    assert charter.sections.first().title_fr in response.text


def test_charter_text_is_sanitized(client, employee, charter):
    CharterSection.objects.filter(version=charter, number="1").update(
        body_en="Hello <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=1>"
    )
    client.force_login(employee)

    html = client.get(reverse("charter:current")).text

    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_earlier_versions_stay_readable(client, employee, charter, admin_user):
    newer = draft_after(charter)
    services.charter_version_publish(version=newer, actor=admin_user, requires_reacceptance=False)
    client.force_login(employee)

    response = client.get(reverse("charter:version", args=[1]))

    assert response.status_code == 200 and "an earlier version" in response.text
    assert client.get(reverse("charter:version", args=[99])).status_code == 404


def test_drafts_are_not_readable(client, employee, charter):
    draft = draft_after(charter)
    client.force_login(employee)

    assert client.get(reverse("charter:version", args=[draft.number])).status_code == 404


def test_charter_page_query_count_is_fixed(
    client, employee, charter, django_assert_max_num_queries
):
    client.force_login(employee)

    with django_assert_max_num_queries(12):
        client.get(reverse("charter:current"))


def test_report_reasons_point_at_sections_of_the_current_charter(charter):
    reasons = list(selectors.report_reasons())

    assert reasons and all(r.version == charter and r.is_report_reason for r in reasons)
    assert all("." in r.number for r in reasons)


def test_sign_in_leads_a_newcomer_to_the_charter_first(client, newcomer):
    from .factories import PASSWORD

    response = client.post(
        reverse("account_login"), {"login": newcomer.email, "password": PASSWORD}
    )

    assert response.headers["Location"] == "/charter/?next=%2F"


def test_sign_in_leads_someone_who_accepted_straight_home(client, employee, charter):
    from .factories import PASSWORD

    response = client.post(
        reverse("account_login"), {"login": employee.email, "password": PASSWORD}
    )

    assert response.headers["Location"] == "/"


def test_following_and_endorsing_are_blocked_until_the_charter_is_accepted(
    client, newcomer, employee
):
    from profiles.models import Follow

    from .factories import UserSkillFactory

    skill = UserSkillFactory(user=employee)
    client.force_login(newcomer)

    follow = client.post(reverse("people:follow", args=[employee.username]))
    endorse = client.post(reverse("people:endorse", args=[employee.username, skill.pk]))

    assert follow.status_code == endorse.status_code == 302
    assert follow.headers["Location"].startswith("/charter/")
    assert endorse.headers["Location"].startswith("/charter/")
    assert not Follow.objects.exists()
    assert skill.endorsements.count() == 0


# --- Publishing on one's profile is contributing (issue 27, hardening) -----------------


PROFILE = {"phone": "", "bio": "", "languages": "", "interests": ""}


@pytest.mark.parametrize("field", ["bio", "interests"])
def test_publishing_text_on_ones_profile_waits_for_the_charter(client, newcomer, field):
    client.force_login(newcomer)
    response = client.post("/me/", {**PROFILE, field: "Hello, I write here"})
    assert response.status_code == 302
    assert response["Location"] == "/charter/?next=%2Fme%2F"
    assert getattr(Profile.objects.get(user=newcomer), field) == ""
    page = client.get(response["Location"]).content.decode()
    assert "Please read and accept the usage charter before contributing." in page


def test_adding_a_skill_waits_for_the_charter(client, newcomer):
    client.force_login(newcomer)
    response = client.post("/me/skills/", {"name": "Python", "level": "expert"})
    assert response.status_code == 302 and response["Location"].startswith("/charter/")
    assert not UserSkill.objects.filter(user=newcomer).exists()
    with pytest.raises(CharterNotAccepted):
        profile_services.user_skill_add(actor=newcomer, name="Python", level="expert")


def test_endorsing_waits_for_the_charter(newcomer, employee):
    user_skill = profile_services.user_skill_add(actor=employee, name="Python", level="expert")
    with pytest.raises(CharterNotAccepted):
        profile_services.endorsement_create(actor=newcomer, user_skill=user_skill)
    assert not user_skill.endorsements.exists()


def test_settings_that_publish_nothing_stay_open_before_the_charter(client, newcomer, charter):
    client.force_login(newcomer)
    response = client.post("/me/", {**PROFILE, "phone": "+33 1 23 45 67 89"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert Profile.objects.get(user=newcomer).phone == "+33 1 23 45 67 89"
    # Once the charter is accepted, the bio and skills are published.
    services.charter_accept(user=newcomer, version=charter)
    client.post("/me/", {**PROFILE, "bio": "Hello"})
    client.post("/me/skills/", {"name": "Python", "level": "expert"})
    assert Profile.objects.get(user=newcomer).bio == "Hello"
    assert UserSkill.objects.filter(user=newcomer).count() == 1
