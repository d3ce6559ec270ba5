"""Search queries: parsing, bad input (a clear page, never an error) and highlighting."""

import pytest

from search.text import excerpt, fold, highlight, parse_query

from .communities_factories import CommunityFactory
from .factories import UserFactory
from .posts_factories import PostFactory

BAD_QUERIES = {
    "empty": "",
    "blank": "   \t  ",
    "very long": "réunion " * 80,
    "only punctuation": "?!.,;:…—()[]{}",
    "sql": "'; DROP TABLE posts_post; -- \" OR 1=1 /*",
    "like wildcards": "%_% \\%",
    "regex": ".*+?^$[](){}|\\ \\b (?P<x>a)",
    "tsquery operators": "a & | ! <-> :* b",
    "unbalanced quotes": '"réunion équipe',
    "odd quotes": 'a "b" "c',
    "emoji": "😀🎉👩‍💻",
    "emoji and words": "réunion 🎉",
    "right-to-left mark": "\u202ereunion\u202c",
    "lone hash and at": "# @ #! @?",
    "many words": " ".join(f"w{n}" for n in range(40)),
    "html": "<script>alert(1)</script>",
    "percent-encoded": "%00%27",
}


@pytest.mark.django_db
@pytest.mark.parametrize("q", BAD_QUERIES.values(), ids=BAD_QUERIES.keys())
def test_odd_queries_give_a_clear_page_on_every_endpoint(client, employee, q):
    PostFactory(community=None, body="Réunion de l'équipe <script>")
    client.force_login(employee)
    page = client.get("/search/", {"q": q})
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content
    for section in ["people", "communities", "posts", "tags"]:
        assert client.get(f"/search/{section}/", {"q": q}).status_code == 200
    suggestions = client.get("/search/suggest/", {"q": q})
    assert suggestions.status_code == 200
    assert set(suggestions.json()) == {"query", "people", "communities", "tags"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q", ["\x01\x02\x1b[31mrouge\x7f", "réu\x00nion"], ids=["control characters", "nul byte"]
)
def test_control_characters_get_the_sites_400_page_on_every_endpoint(client, employee, q):
    client.force_login(employee)
    for url in ["/search/", "/search/people/", "/search/posts/", "/search/suggest/"]:
        response = client.get(url, {"q": q})
        assert response.status_code == 400
        assert "characters that are not allowed" in response.content.decode()


@pytest.mark.django_db
def test_an_empty_search_invites_to_type(client, employee):
    client.force_login(employee)
    content = client.get("/search/").content.decode()
    assert "Type a name, a skill, a community, words of a post, a #tag or an @name." in content


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["?!.,;", "😀🎉", '"""', "# @"])
def test_a_search_with_nothing_to_look_for_says_so(client, employee, q):
    client.force_login(employee)
    response = client.get("/search/", {"q": q})
    assert "This search has no letters or digits to look for." in response.content.decode()
    assert response.context["sections"] == []


@pytest.mark.django_db
def test_a_long_search_is_cut_and_says_so(client, employee):
    PostFactory(community=None, body="Réunion mensuelle")
    client.force_login(employee)
    response = client.get("/search/", {"q": "réunion " + "x" * 500})
    assert "only its first 200 characters were used" in response.content.decode()
    assert len(response.context["query"].text) <= 200


@pytest.mark.django_db
def test_the_query_is_escaped_wherever_it_is_shown_back(client, employee):
    client.force_login(employee)
    content = client.get("/search/", {"q": '<b onmouseover="x">bold</b>'}).content.decode()
    assert "<b onmouseover" not in content
    assert "&lt;b onmouseover=&quot;x&quot;&gt;bold&lt;/b&gt;" in content


@pytest.mark.django_db
def test_bad_filters_are_refused_with_a_message_and_kept(client, employee):
    client.force_login(employee)
    response = client.get(
        "/search/posts/",
        {"q": "réunion", "since": "2026-13-45", "until": "yesterday", "author": "a" * 151},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"since", "until", "author"} <= set(errors)
    content = response.content.decode()
    assert "Some filters are not valid" in content
    assert 'value="2026-13-45"' in content
    response = client.get(
        "/search/posts/", {"q": "réunion", "since": "2026-05-02", "until": "2026-05-01"}
    )
    assert "The end date must come after the start date." in response.content.decode()
    response = client.get("/search/people/", {"q": "réunion", "department": "Nowhere"})
    assert "department" in response.context["form"].errors


@pytest.mark.django_db
def test_a_bad_page_number_shows_a_page(client, employee):
    client.force_login(employee)
    for number in ["x", "-1", "99999"]:
        response = client.get("/search/posts/", {"q": "réunion", "page": number})
        assert response.status_code == 200


def test_parsing_words_phrases_tags_and_people():
    query = parse_query('Réunion "machine  learning" #Data-Science @dupont équipe, "')
    assert query.words == ("Réunion", "équipe")
    assert query.phrases == ("machine learning",)
    assert query.tags == ("Data-Science",)
    assert query.people == ("dupont",)
    assert query.tag_slugs() == ["data-science"]


def test_parsing_drops_operators_and_keeps_words():
    query = parse_query("'; DROP TABLE users; --")
    assert query.words == ("DROP", "TABLE", "users")
    assert parse_query("ab & cd | !ef").words == ("ab", "cd", "ef")
    assert parse_query("l'équipe").words == ("équipe",)  # one-letter words are left out


def test_one_letter_words_are_left_out():
    assert parse_query("a plan").words == ("plan",)
    assert parse_query("a").is_empty
    assert parse_query("#a").tags == ("a",)  # a tag asked for is kept


def test_parsing_a_phrase_of_one_word_gives_a_word():
    assert parse_query('"réunion"').words == ("réunion",)
    assert parse_query('"réunion"').phrases == ()


def test_parsing_bounds_the_number_of_words():
    query = parse_query(" ".join(f"w{n}" for n in range(40)))
    assert len(query.words) == 8
    assert query.dropped


def test_parsing_removes_control_characters_and_nul_bytes():
    query = parse_query("réu\x00nion\x1b\u200b ok")
    assert "\x00" not in query.text
    assert query.words == ("réu", "nion", "ok")


def test_folding_ignores_case_and_accents():
    assert fold("ÉQUIPE Müller Œuvre") == fold("equipe muller œuvre")


def test_highlight_escapes_then_marks():
    result = highlight("<b>Réunion</b> & réunions", ["reunion"])
    assert result == "&lt;b&gt;<mark>Réunion</mark>&lt;/b&gt; &amp; <mark>réunions</mark>"


def test_highlight_marks_whole_words_starting_like_a_term():
    assert highlight("communauté, communautés", ["Communautés"]) == (
        "<mark>communauté</mark>, <mark>communautés</mark>"
    )
    assert highlight("social", ["ia"]) == "social"


def test_highlight_never_trusts_the_terms():
    assert highlight("a <mark> b", ["<mark>"]) == "a <mark>&lt;mark&gt;</mark> b"


def test_excerpt_centres_on_the_first_match():
    text = "début " + "mot " * 100 + "réunion " + "fin " * 100
    result = excerpt(text, ["reunion"], length=80)
    assert "<mark>réunion</mark>" in result
    assert result.startswith("…")
    assert result.endswith("…")


@pytest.mark.django_db
def test_results_are_highlighted_and_user_text_escaped(client, employee):
    community = CommunityFactory(
        name="Réunion <i>club</i>", description="Pour les réunions", access="free"
    )
    PostFactory(community=community, body="La **réunion** <script>alert(1)</script> de lundi")
    UserFactory(first_name="Rémi", last_name="Réunion<b>")
    client.force_login(employee)
    content = client.get("/search/", {"q": "reunion"}).content.decode()
    assert "<mark>Réunion</mark> &lt;i&gt;club&lt;/i&gt;" in content
    assert "Pour les <mark>réunions</mark>" in content
    assert "La <mark>réunion</mark>" in content
    assert "<script>alert(1)</script>" not in content
    assert "Rémi <mark>Réunion</mark>&lt;b&gt;" in content


@pytest.mark.django_db
def test_the_search_pages_speak_french(client, employee):
    PostFactory(community=None, body="Réunion")
    client.force_login(employee)
    content = client.get("/search/", {"q": "réunion"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<label for="search-page-q">Rechercher</label>' in content  # the page's own box
    assert "Aucun résultat ici." in content
    data = client.get("/search/suggest/", {"q": "réu"}, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert data["people"] == []


def test_a_huge_query_is_cut_before_being_read():
    query = parse_query(" " * 5000 + "réunion")
    assert query.truncated
    assert query.is_empty
