"""Search finds what it should: accents and case aside, French and English, phrases,
#tags and @people, filters; typos and stemming on PostgreSQL; a fixed number of queries."""

from datetime import datetime

import pytest
from django.utils import timezone

from posts.models import Post
from search.selectors import (
    PeopleFilters,
    PostFilters,
    search_communities,
    search_people,
    search_posts,
    search_tags,
)
from search.text import parse_query

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import SkillFactory, UserFactory, UserSkillFactory
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db


def _bodies(viewer, q, filters=None):
    return {post.body for post in search_posts(viewer, parse_query(q), filters)}


def _names(viewer, q, filters=None):
    return {p.get_full_name() for p in search_people(viewer, parse_query(q), filters)}


@pytest.fixture
def reader():
    return UserFactory()


@pytest.mark.parametrize(
    "q", ["réunion équipe", "REUNION EQUIPE", "Reunion", "ÉQUIPE", "équipes", "reunions"]
)
def test_posts_are_found_whatever_the_case_and_accents(reader, q):
    PostFactory(community=None, body="La réunion de l'équipe est lundi.")
    PostFactory(community=None, body="Rien à voir.")
    assert _bodies(reader, q) == {"La réunion de l'équipe est lundi."}


def test_every_word_must_match(reader):
    PostFactory(community=None, body="Budget meeting on Monday")
    PostFactory(community=None, body="Budget review")
    assert _bodies(reader, "budget monday") == {"Budget meeting on Monday"}
    assert _bodies(reader, "budget") == {"Budget meeting on Monday", "Budget review"}


def test_a_quoted_phrase_needs_its_words_together(reader):
    PostFactory(community=None, body="We love machine learning.")
    PostFactory(community=None, body="Learning to use the coffee machine.")
    assert _bodies(reader, '"machine learning"') == {"We love machine learning."}
    assert len(_bodies(reader, "machine learning")) == 2


def test_english_and_french_words_are_found(reader):
    PostFactory(community=None, body="The communities are growing")
    PostFactory(community=None, body="Les communautés grandissent")
    assert _bodies(reader, "communities") == {"The communities are growing"}
    assert _bodies(reader, "communauté") == {"Les communautés grandissent"}


def test_communautes_finds_communaute(reader):
    CommunityFactory(name="Communauté des testeurs", access="free")
    CommunityFactory(name="Club photo", access="free")
    found = search_communities(reader, parse_query("communautés"))
    assert [c.name for c in found] == ["Communauté des testeurs"]
    found = search_communities(reader, parse_query("TESTEURS communaute"))
    assert [c.name for c in found] == ["Communauté des testeurs"]


def test_communities_are_found_by_their_description(reader):
    CommunityFactory(name="Atlas", description="Le projet de déploiement mondial", access="open")
    found = search_communities(reader, parse_query("deploiement"))
    assert [c.name for c in found] == ["Atlas"]


def test_people_are_found_by_name_job_department_site_and_skill(reader):
    helene = UserFactory(
        first_name="Hélène", last_name="Müller", job_title="Comptable", site="Lyon"
    )
    UserFactory(first_name="Paul", last_name="Martin", department="Ventes", site="Lille")
    UserSkillFactory(user=helene, skill=SkillFactory(name="Fiscalité"))
    for q in ["helene muller", "HÉLÈNE", "comptable", "lyon", "fiscalite", "@muller"]:
        assert _names(reader, q) == {"Hélène Müller"}, q
    assert _names(reader, "ventes lille") == {"Paul Martin"}


def test_former_employees_are_not_found(reader):
    UserFactory(first_name="Hélène", last_name="Partie", is_active=False)
    assert _names(reader, "partie") == set()


def test_at_searches_people_only(client, reader):
    UserFactory(first_name="Jean", last_name="Dupont")
    PostFactory(community=None, body="Dupont a écrit ceci")
    client.force_login(reader)
    response = client.get("/search/", {"q": "@dupont"})
    sections = {s.name: s.count for s in response.context["sections"]}
    assert sections == {"people": 1}


def test_hash_finds_the_posts_of_a_tag_and_the_tag(client, reader):
    PostFactory(community=None, body="Nouvelle version", tags=["Python"])
    PostFactory(community=None, body="Python ailleurs", tags=["Java"])
    client.force_login(reader)
    response = client.get("/search/", {"q": "#python"})
    sections = {s.name: s for s in response.context["sections"]}
    assert set(sections) == {"posts", "tags"}
    assert [p.body for p in sections["posts"].items] == ["Nouvelle version"]
    assert [t.name for t in sections["tags"].items] == ["Python"]
    assert _bodies(reader, "#python nouvelle") == {"Nouvelle version"}
    assert _bodies(reader, "#python ailleurs") == set()


def test_tags_are_found_by_words_whatever_the_accents(reader):
    PostFactory(community=None, tags=["Écologie", "Économie"])
    found = search_tags(reader, parse_query("ecologie"))
    assert [(t.name, t.posts_count) for t in found] == [("Écologie", 1)]


def test_post_filters(reader):
    atlas = CommunityFactory(slug="atlas", access="free")
    author = UserFactory(username="bruno")
    day = timezone.make_aware(datetime(2026, 3, 10, 12))
    PostFactory(community=atlas, author=author, body="rapport A", tags=["q1"], created_at=day)
    PostFactory(community=None, body="rapport B", created_at=day.replace(month=5))
    assert _bodies(reader, "rapport", PostFilters(community="atlas")) == {"rapport A"}
    assert _bodies(reader, "rapport", PostFilters(author="Bruno")) == {"rapport A"}
    assert _bodies(reader, "rapport", PostFilters(tag="q1")) == {"rapport A"}
    since = PostFilters(since=datetime(2026, 4, 1).date())
    assert _bodies(reader, "rapport", since) == {"rapport B"}
    until = PostFilters(until=datetime(2026, 3, 10).date())
    assert _bodies(reader, "rapport", until) == {"rapport A"}


def test_post_filters_through_the_page(client, reader):
    atlas = CommunityFactory(slug="atlas", name="Atlas", access="free")
    PostFactory(community=atlas, body="rapport A")
    PostFactory(community=None, body="rapport B")
    client.force_login(reader)
    response = client.get("/search/posts/", {"q": "rapport", "community": "atlas"})
    assert [p.body for p in response.context["page"].object_list] == ["rapport A"]


def test_people_filters(client, reader):
    a = UserFactory(first_name="Anne", last_name="Zorn", department="Finance", site="Lyon")
    UserFactory(first_name="Anne", last_name="Yole", department="IT", site="Paris")
    UserSkillFactory(user=a, skill=SkillFactory(name="Audit interne"))
    assert _names(reader, "anne", PeopleFilters(department="Finance")) == {"Anne Zorn"}
    assert _names(reader, "anne", PeopleFilters(site="Paris")) == {"Anne Yole"}
    assert _names(reader, "anne", PeopleFilters(skill="audit")) == {"Anne Zorn"}
    client.force_login(reader)
    response = client.get("/search/people/", {"q": "anne", "site": "Lyon"})
    assert [p.last_name for p in response.context["page"].object_list] == ["Zorn"]


def test_section_pages_are_paginated(client, reader, settings):
    settings.RSE_SEARCH_PAGE_SIZE = 2
    for n in range(5):
        PostFactory(community=None, body=f"rapport {n}")
    client.force_login(reader)
    response = client.get("/search/posts/", {"q": "rapport", "page": 3})
    assert response.context["page"].number == 3
    assert len(response.context["page"].object_list) == 1
    assert "Page 3 of 3" in response.content.decode()


def test_results_link_to_more_when_there_are_more(client, reader):
    for n in range(7):
        PostFactory(community=None, body=f"rapport {n}")
    client.force_login(reader)
    content = client.get("/search/", {"q": "rapport"}).content.decode()
    assert "Show all 7 results in Posts" in content
    assert 'href="/search/posts/?q=rapport"' in content


def _populate(n):
    community = CommunityFactory(name=f"Rapport club {n}", access="free")
    for i in range(n):
        person = UserFactory(first_name="Rapport", last_name=f"Person{n}x{i}")
        UserSkillFactory(user=person, skill=SkillFactory(name=f"Rapports {i}"))
        MembershipFactory(community=community, user=person)
        PostFactory(community=community, author=person, body=f"rapport {i}", tags=[f"r{n}x{i}"])


@pytest.mark.parametrize(
    "url", ["/search/", "/search/posts/", "/search/people/", "/search/suggest/"]
)
def test_search_queries_do_not_grow_with_the_data(
    client, reader, django_assert_max_num_queries, url
):
    client.force_login(reader)
    _populate(2)
    with django_assert_max_num_queries(16):
        assert client.get(url, {"q": "rapport"}).status_code == 200
    _populate(12)
    with django_assert_max_num_queries(16):
        assert client.get(url, {"q": "rapport"}).status_code == 200


def test_results_page_reads_the_same_number_of_queries_whatever_the_data(
    client, reader, django_assert_num_queries
):
    """Not just bounded: exactly the same number with little and with much data."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reader)
    _populate(2)
    client.get("/search/", {"q": "rapport"})
    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "rapport"})
    expected = len(few.captured_queries)  # now: the query log is a bounded deque
    _populate(15)
    # New data moves the navigation's cached figures on (core.navcounters): warm again.
    client.get("/search/", {"q": "rapport"})
    with django_assert_num_queries(expected):
        client.get("/search/", {"q": "rapport"})


@pytest.mark.postgres
def test_typos_in_names_still_find_people(reader):
    UserFactory(first_name="Jean", last_name="Dupont")
    UserFactory(first_name="Marie", last_name="Durand")
    assert _names(reader, "Jean Dupond") == {"Jean Dupont"}
    assert "Jean Dupont" in _names(reader, "dupond")


@pytest.mark.postgres
def test_french_stemming_finds_other_forms(reader):
    body = "Le développement de la nouvelle communauté."
    PostFactory(community=None, body=body)
    PostFactory(community=None, body="Autre chose.")
    assert _bodies(reader, "communautés") == {body}
    assert _bodies(reader, "développer") == {body}
    assert _bodies(reader, "nouvelles communautes") == {body}


@pytest.mark.postgres
def test_english_stemming_finds_other_forms(reader):
    PostFactory(community=None, body="The team was running the deployments.")
    assert len(_bodies(reader, "run deployment")) == 1


@pytest.mark.postgres
def test_posts_come_by_relevance_then_recency(reader):
    old = PostFactory(
        community=None,
        body="Budget budget budget: the budget of the budget office",
        created_at=timezone.now() - timezone.timedelta(days=30),
    )
    recent = PostFactory(community=None, body="A word about the budget")
    newest = PostFactory(community=None, body="Another word about the budget")
    found = list(search_posts(reader, parse_query("budget")))
    assert found == [old, newest, recent]


@pytest.mark.postgres
def test_the_stored_vectors_follow_edits(reader):
    post = PostFactory(community=None, body="Premier texte")
    Post.objects.filter(pk=post.pk).update(body="Second message")
    assert _bodies(reader, "premier") == set()
    assert _bodies(reader, "second") == {"Second message"}
    person = UserFactory(first_name="Lise", last_name="Avant")
    person.last_name = "Après"
    person.save()
    assert _names(reader, "apres") == {"Lise Après"}
    assert _names(reader, "avant") == set()


def test_tags_are_found_whatever_the_plural(reader):
    PostFactory(community=None, tags=["réunion"])
    assert [t.name for t in search_tags(reader, parse_query("Réunions"))] == ["réunion"]


def test_tags_come_closest_name_first(reader):
    PostFactory(community=None, tags=["clean"])
    PostFactory(community=None, tags=["lean-startup", "leaner"])
    PostFactory(community=None, tags=["lean"])
    found = [t.name for t in search_tags(reader, parse_query("lean"))]
    assert found == ["lean", "leaner", "lean-startup", "clean"]
    assert [t.name for t in search_tags(reader, parse_query("#lean-startup"))][0] == "lean-startup"


def test_tag_counts_stop_past_the_cap(client, reader, monkeypatch):
    monkeypatch.setattr("search.selectors.TAG_COUNT_CAP", 2)
    for _ in range(3):
        PostFactory(community=None, tags=["budget"])
    PostFactory(community=None, tags=["budgets-q1"])
    found = {t.name: t.posts_count for t in search_tags(reader, parse_query("budget"))}
    assert found == {"budget": 3, "budgets-q1": 1}  # counted up to one past the cap
    client.force_login(reader)
    content = client.get("/search/", {"q": "#budget"}).content.decode()
    assert "2+ posts" in content
    suggested = client.get("/search/suggest/", {"q": "budget"}).json()["tags"]
    assert [t["detail"] for t in suggested] == ["2+ posts", "1 post"]


def test_section_counts_stop_past_the_cap(client, reader, settings):
    settings.RSE_SEARCH_MAX_RESULTS = 3
    for n in range(5):
        PostFactory(community=None, body=f"rapport {n}")
    PostFactory(community=None, body="rien")
    client.force_login(reader)
    content = client.get("/search/", {"q": "rapport"}).content.decode()
    assert "Posts (3+)" in content
    assert "Show more results in Posts" in content
    page = client.get("/search/posts/", {"q": "rapport"})
    assert page.context["section"].capped
    assert "3+ results" in page.content.decode()
    assert "Only the newest matching posts are listed" in page.content.decode()


def test_posts_are_taken_among_the_newest_matches(reader, settings):
    settings.RSE_SEARCH_MAX_RESULTS = 2
    now = timezone.now()
    posts = [
        PostFactory(community=None, body=f"budget {n}", created_at=now - timezone.timedelta(days=n))
        for n in range(5)
    ]
    found = set(search_posts(reader, parse_query("budget")))
    assert found == set(posts[:3])  # the newest, up to one past the cap


def test_post_filter_offers_the_communities_one_may_read(client, reader):
    closed = CommunityFactory(name="Closed club", access="closed")
    mine = CommunityFactory(name="My club", access="closed")
    MembershipFactory(community=mine, user=reader)
    client.force_login(reader)
    form = client.get("/search/posts/", {"q": "budget"}).context["form"]
    offered = dict(form.fields["community"].choices)
    assert mine.slug in offered
    assert closed.slug not in offered  # visible, but its posts are not readable


@pytest.mark.postgres
def test_people_past_the_cap_come_by_name(reader, settings):
    skill = SkillFactory(name="Cartographie")
    for last in ("Zola", "Abel", "Moreau"):
        UserSkillFactory(user=UserFactory(last_name=last), skill=skill)
    found = [p.last_name for p in search_people(reader, parse_query("cartographie"))]
    assert sorted(found) == ["Abel", "Moreau", "Zola"]
    settings.RSE_SEARCH_MAX_RESULTS = 2
    found = [p.last_name for p in search_people(reader, parse_query("cartographie"))]
    assert found == ["Abel", "Moreau", "Zola"]


def test_post_filter_keeps_the_chosen_community(client, reader):
    mine = CommunityFactory(name="Club <b>", access="closed")
    MembershipFactory(community=mine, user=reader)
    client.force_login(reader)
    page = client.get("/search/posts/", {"q": "budget", "community": mine.slug}).content.decode()
    assert f'<option value="{mine.slug}" selected>Club &lt;b&gt;</option>' in page
    assert '<option value="">Any community</option>' in page
