"""Departure: an admin closes an account; the person is out at once. And admin tools."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from profiles import services
from profiles.models import Endorsement, Skill, User, UserSkill

from .factories import PASSWORD, SkillFactory, UserFactory, UserSkillFactory

pytestmark = pytest.mark.django_db


def signed_in_client(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    return client


def close_from_admin(admin_client, *users):
    return admin_client.post(
        reverse("admin:profiles_user_changelist"),
        {"action": "close_accounts", "_selected_action": [u.pk for u in users]},
        REMOTE_ADDR="10.1.2.3",
    )


def test_closing_an_account_ends_every_session_of_that_person(admin_user, employee):
    phone, laptop = signed_in_client(employee), signed_in_client(employee)
    bystander = UserFactory()
    other = signed_in_client(bystander)
    admin = Client()
    admin.force_login(admin_user)

    response = close_from_admin(admin, employee)

    assert response.status_code == 302
    for client in (phone, laptop):
        next_request = client.get("/")
        assert next_request.status_code == 302
        assert reverse("account_login") in next_request["Location"]
    assert other.get("/").status_code == 200
    employee.refresh_from_db()
    assert not employee.is_active
    entry = AuditEntry.objects.get(action="account.closed")
    assert (entry.actor, entry.target_id, entry.ip_address) == (
        admin_user,
        str(employee.pk),
        "10.1.2.3",
    )
    assert entry.data == {"sessions": 2}
    assert Session.objects.count() == 2  # the admin's and the bystander's


def test_a_closed_account_cannot_sign_in(employee, admin_user):
    services.account_close(actor=admin_user, user=employee)

    client = Client()
    response = client.post(
        reverse("account_login"), {"login": employee.email, "password": PASSWORD}
    )

    assert response.status_code == 302 and "inactive" in response["Location"]
    assert client.get("/").status_code == 302  # still anonymous


def test_former_employee_leaves_directory_but_profile_stays_marked(client, admin_user):
    leaver = UserFactory(last_name="Leaving")
    UserSkillFactory(user=leaver, skill=SkillFactory(name="Fortran"))
    services.account_close(actor=admin_user, user=leaver)
    client.force_login(UserFactory())

    results = client.get(reverse("people:directory"), {"skill": "fortran"})
    profile = client.get(reverse("people:detail", args=[leaver.username])).content.decode()

    assert list(results.context["page"].object_list) == []
    assert "Former employee" in profile
    assert 'action="/people/' + leaver.username + '/follow/"' not in profile


def test_closing_twice_or_oneself_is_refused(client, admin_user, employee):
    client.force_login(admin_user)
    close_from_admin(client, employee)

    again = client.post(
        reverse("admin:profiles_user_changelist"),
        {"action": "close_accounts", "_selected_action": [employee.pk, admin_user.pk]},
        follow=True,
    )

    page = again.content.decode()
    assert "already closed" in page and "cannot close your own account" in page
    assert AuditEntry.objects.filter(action="account.closed").count() == 1
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_reactivation_lets_the_person_back_in(client, admin_user, employee):
    services.account_close(actor=admin_user, user=employee)
    client.force_login(admin_user)

    client.post(
        reverse("admin:profiles_user_changelist"),
        {"action": "reactivate_accounts", "_selected_action": [employee.pk]},
    )

    employee.refresh_from_db()
    assert employee.is_active
    assert AuditEntry.objects.filter(action="account.reactivated", actor=admin_user).exists()
    signed_in_client(employee)


def test_admin_merges_skills_without_duplicates(client, admin_user):
    python, python3 = SkillFactory(name="Python"), SkillFactory(name="Python 3")
    both, only_old = UserFactory(), UserFactory()
    kept = UserSkillFactory(user=both, skill=python, level=UserSkill.Level.NOTIONS)
    moved = UserSkillFactory(user=both, skill=python3, level=UserSkill.Level.EXPERT)
    UserSkillFactory(user=only_old, skill=python3)
    endorser, other_endorser = UserFactory(), UserFactory()
    services.endorsement_create(actor=endorser, user_skill=kept)
    services.endorsement_create(actor=endorser, user_skill=moved)
    services.endorsement_create(actor=other_endorser, user_skill=moved)
    UserSkillFactory(skill=python)  # Python is the more used one: it is kept
    client.force_login(admin_user)

    client.post(
        reverse("admin:profiles_skill_changelist"),
        {"action": "merge_skills", "_selected_action": [python.pk, python3.pk]},
    )

    assert list(Skill.objects.values_list("name", flat=True)) == ["Python"]
    kept.refresh_from_db()
    assert kept.level == UserSkill.Level.EXPERT
    assert kept.endorsements_count == 2 == Endorsement.objects.filter(user_skill=kept).count()
    assert UserSkill.objects.filter(user=only_old, skill=python).exists()
    entry = AuditEntry.objects.get(action="skill.merged")
    assert entry.data == {"merged": ["Python 3"]} and entry.actor == admin_user


def test_admin_refuses_a_skill_spelled_like_an_existing_one(client, admin_user):
    SkillFactory(name="Comptabilité")
    client.force_login(admin_user)

    response = client.post(reverse("admin:profiles_skill_add"), {"name": " COMPTABILITE "})

    assert "already in the vocabulary" in response.content.decode()
    assert Skill.objects.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "admin:profiles_user_changelist",
        "admin:profiles_skill_changelist",
        "admin:profiles_endorsement_changelist",
        "admin:profiles_follow_changelist",
    ],
)
def test_admin_lists_open_and_search(client, admin_user, url):
    UserSkillFactory(user=UserFactory(department="Finance"))
    client.force_login(admin_user)

    assert client.get(reverse(url), {"q": "Finance"}).status_code == 200


def test_admin_user_page_shows_profile_and_skills(client, admin_user, employee):
    UserSkillFactory(user=employee, skill=SkillFactory(name="Lean"))
    client.force_login(admin_user)

    page = client.get(reverse("admin:profiles_user_change", args=[employee.pk])).content.decode()

    assert "Lean" in page and "phone" in page.lower()
    assert User.objects.get(pk=employee.pk).profile


def test_admin_cannot_flip_is_active_by_hand(client, admin_user, employee):
    client.force_login(admin_user)

    page = client.get(reverse("admin:profiles_user_change", args=[employee.pk])).content.decode()

    assert 'name="is_active"' not in page
