"""Wording of whole pages (issue 17): one search box on the results page, sentence
case on the sign-in page, no double full stop after a time ending in "p.m."."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_results_page_has_one_search_box(client, employee):
    client.force_login(employee)
    page = client.get("/search/", {"q": "lean"}).content.decode()
    assert page.count('type="search"') == 1
    home = client.get("/").content.decode()
    assert 'id="site-search-q"' in home  # the header's box, elsewhere


def test_the_sign_in_page_is_in_sentence_case():
    page = Client().get("/accounts/login/").content.decode()
    assert "Sign In" not in page and "Remember Me" not in page
    assert "Sign in" in page and "Remember me" in page
    french = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Se souvenir de moi" in french


def test_no_double_stop_after_the_acceptance_time(client, employee):
    client.force_login(employee)
    page = client.get("/charter/").content.decode()
    assert "You accepted this version on" in page
    assert "m.." not in page
