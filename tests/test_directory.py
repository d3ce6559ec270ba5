"""The people directory: search, ranking, externals' view, query counts."""

import pytest
from django.urls import reverse
from django.utils import translation

from profiles import services
from profiles.models import UserSkill

from .factories import SkillFactory, UserFactory, UserSkillFactory

pytestmark = pytest.mark.django_db

EXPERT, PRACTITIONER, NOTIONS = (
    UserSkill.Level.EXPERT,
    UserSkill.Level.PRACTITIONER,
    UserSkill.Level.NOTIONS,
)


def names_found(client, **params) -> list[str]:
    response = client.get(reverse("people:directory"), params)
    assert response.status_code == 200
    return [person.last_name for person in response.context["page"].object_list]


@pytest.fixture
def company(employee):
    """A few colleagues with skills, departments, sites and languages."""
    accounting = SkillFactory(name="Comptabilité")
    python = SkillFactory(name="Python")
    # Fixed first names: a random one ("Sébastien") could match a name search ("bast").
    alice = UserFactory(first_name="Alice", last_name="Arnaud", department="Finance", site="Lyon")
    bruno = UserFactory(first_name="Bruno", last_name="Bastien", department="Finance", site="Paris")
    chloe = UserFactory(first_name="Chloé", last_name="Carpentier", department="IT", site="Lyon")
    UserSkillFactory(user=alice, skill=accounting, level=PRACTITIONER)
    UserSkillFactory(user=bruno, skill=accounting, level=EXPERT)
    UserSkillFactory(user=chloe, skill=python, level=EXPERT)
    alice.profile.languages = "French, English"
    alice.profile.save()
    chloe.profile.languages = "English, Spanish"
    chloe.profile.save()
    return {"alice": alice, "bruno": bruno, "chloe": chloe, "accounting": accounting}


def test_directory_lists_active_people_by_name(client, employee, company, former_employee):
    client.force_login(employee)

    response = client.get(reverse("people:directory"))
    listed = response.context["page"].object_list
    found = [person.last_name for person in listed]

    assert found == sorted(found)
    assert {"Arnaud", "Bastien", "Carpentier", "Martin"} <= set(found)
    # By id: the factories may give the former employee an active colleague's name.
    assert former_employee.pk not in {person.pk for person in listed}


@pytest.mark.parametrize("typed", ["muller", "MÜLLER", "hélène mül", "Helene Muller", "h.mull"])
def test_name_search_ignores_case_and_accents(client, employee, typed):
    UserFactory(first_name="Hélène", last_name="Müller", username="h.muller")
    UserFactory(first_name="Hélène", last_name="Arnaud", username="h.arnaud")
    client.force_login(employee)

    assert names_found(client, q=typed) == ["Müller"]


@pytest.mark.parametrize("typed", ["comptabilite", "COMPTABILITÉ", "  comptabilité ", "compta"])
def test_skill_search_ignores_case_and_accents(client, employee, company, typed):
    client.force_login(employee)

    assert names_found(client, skill=typed) == ["Bastien", "Arnaud"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"department": "Finance"}, ["Arnaud", "Bastien"]),
        ({"department": "Finance", "site": "Lyon"}, ["Arnaud"]),
        ({"site": "Lyon", "skill": "python"}, ["Carpentier"]),
        ({"language": "english"}, ["Arnaud", "Carpentier"]),
        ({"language": "english", "skill": "compta"}, ["Arnaud"]),
        ({"q": "bast", "department": "Finance"}, ["Bastien"]),
        ({"q": "bast", "department": "IT"}, []),
    ],
)
def test_filters_combine(client, employee, company, params, expected):
    client.force_login(employee)

    assert names_found(client, **params) == expected


def test_skill_search_ranks_experts_then_endorsements(client, employee, company):
    accounting = company["accounting"]
    dora, eric = UserFactory(last_name="Dora"), UserFactory(last_name="Eric")
    endorsed_expert = UserSkillFactory(user=dora, skill=accounting, level=EXPERT)
    UserSkillFactory(user=eric, skill=accounting, level=NOTIONS)
    for _ in range(2):
        services.endorsement_create(actor=UserFactory(), user_skill=endorsed_expert)
    client.force_login(employee)

    # Experts first, the endorsed one ahead; then practitioners, then notions.
    assert names_found(client, skill="Comptabilite") == ["Dora", "Bastien", "Arnaud", "Eric"]


def test_each_result_shows_title_department_and_top_skills(client, employee, company):
    client.force_login(employee)
    company["bruno"].job_title = "Chief accountant"
    company["bruno"].save()

    page = client.get(reverse("people:directory"), {"q": "Bastien"}).content.decode()

    assert "Chief accountant" in page
    assert "Finance" in page
    assert "Comptabilité" in page
    assert reverse("people:detail", args=[company["bruno"].username]) in page


def test_directory_is_paginated(client, employee, settings):
    settings.RSE_DIRECTORY_PAGE_SIZE = 5
    UserFactory.create_batch(7, department="Legal")
    client.force_login(employee)

    first = client.get(reverse("people:directory"), {"department": "Legal"})
    second = client.get(reverse("people:directory"), {"department": "Legal", "page": 2})

    assert len(first.context["page"].object_list) == 5
    assert len(second.context["page"].object_list) == 2
    assert "department=Legal&amp;page=2" in first.content.decode()


def test_unknown_department_is_refused_with_a_message(client, employee, company):
    client.force_login(employee)

    response = client.get(reverse("people:directory"), {"department": "Nowhere"})

    assert "Select a valid choice" in response.content.decode()


def test_externals_never_see_the_directory(client, external):
    client.force_login(external)

    assert client.get(reverse("people:directory")).status_code == 404
    assert client.get(reverse("skills_suggest"), {"q": "py"}).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("people:directory"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_skill_suggestions_need_a_signed_in_employee(client):
    response = client.get(reverse("skills_suggest"), {"q": "py"})

    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_people_nav_entry_is_for_employees_only(client, employee, external):
    client.force_login(employee)
    assert 'href="/people/"' in client.get("/").content.decode()
    client.force_login(external)
    assert 'href="/people/"' not in client.get("/").content.decode()


def test_skill_suggestions_match_the_vocabulary(client, employee, company):
    SkillFactory(name="Python scripting")
    client.force_login(employee)

    response = client.get(reverse("skills_suggest"), {"q": "PYTH"})

    assert response.json() == {"results": ["Python", "Python scripting"]}
    assert client.get(reverse("skills_suggest"), {"q": "comptabilite"}).json() == {
        "results": ["Comptabilité"]
    }


def make_people(count: int) -> None:
    skills = [SkillFactory(name=f"Topic {i}") for i in range(4)]
    for person in UserFactory.create_batch(count, department="Finance"):
        for skill in skills:
            user_skill = UserSkillFactory(user=person, skill=skill, level=EXPERT)
            services.endorsement_create(
                actor=UserFactory(department="Other"), user_skill=user_skill
            )


@pytest.mark.parametrize("params", [{}, {"skill": "topic", "department": "Finance"}])
def test_directory_queries_do_not_grow(
    client, employee, django_assert_max_num_queries, params, settings
):
    settings.RSE_DIRECTORY_PAGE_SIZE = 50
    client.force_login(employee)
    make_people(2)
    # 10: session, user, the charter status (banner), the unread notifications counter,
    # the page query and its prefetches.
    with django_assert_max_num_queries(10):
        client.get(reverse("people:directory"), params)
    make_people(20)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("people:directory"), params)
    assert len(response.context["page"].object_list) >= 20


def test_directory_speaks_french(client, employee, company):
    client.force_login(employee)

    # The locale middleware leaves French active in this thread: restore it afterwards.
    with translation.override("en"):
        page = client.get(
            reverse("people:directory"), {"skill": "compta"}, HTTP_ACCEPT_LANGUAGE="fr"
        ).content.decode()

    assert "<h1>Personnes</h1>" in page and "2 personnes" in page and "Compétence" in page


def test_directory_count_and_pages_stop_past_the_cap(client, employee, settings):
    settings.RSE_SEARCH_MAX_RESULTS = 3
    settings.RSE_DIRECTORY_PAGE_SIZE = 2
    for _ in range(5):
        UserFactory(last_name="Zed")
    client.force_login(employee)

    response = client.get(reverse("people:directory"), {"q": "zed"})

    assert response.context["page"].paginator.capped
    assert response.context["page"].paginator.num_pages == 2  # the first 4 rows
    assert "3+ people: add a name, a skill" in response.content.decode()
    assert names_found(client, q="zed", page=2) == ["Zed", "Zed"]
    settings.RSE_SEARCH_MAX_RESULTS = 10
    assert "5 people" in client.get(reverse("people:directory"), {"q": "zed"}).content.decode()
