"""Error pages (400, 403, 404, 500, CSRF failure) in the person's language, with a way
back; the 404 of a hidden community is the same page as any other 404."""

import re

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import bad_request, server_error

from communities.models import Community

from .communities_factories import CommunityFactory

pytestmark = pytest.mark.django_db


def _normalized(response, *slugs: str) -> str:
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    for slug in slugs:
        body = body.replace(slug, "SLUG")
    return body


def test_a_hidden_community_answers_the_same_404_as_a_missing_one(client, employee):
    hidden = CommunityFactory(
        visibility=Community.Visibility.HIDDEN, access=Community.Access.CLOSED, name="Board"
    )
    client.force_login(employee)
    secret = client.get(f"/communities/{hidden.slug}/")
    missing = client.get("/communities/no-such-community/")
    assert secret.status_code == missing.status_code == 404
    assert _normalized(secret, hidden.slug) == _normalized(missing, "no-such-community")
    page = secret.content.decode()
    assert "Page not found" in page and 'href="/"' in page
    assert "Board" not in page


def test_the_404_is_in_french_with_the_site_navigation(client, employee):
    client.force_login(employee)
    response = client.get("/communities/nowhere/", HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr">' in page and "Page introuvable" in page
    assert 'aria-label="Principale"' in page or "site-nav" in page
    assert "Retour à votre fil" in page


def test_a_refused_form_says_so_in_french(employee):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(employee)
    response = browser.post("/posts/new/", {"body": "Hi"}, HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Votre formulaire a expiré" in page
    assert "CSRF" not in page


@pytest.mark.parametrize("language", ["en", "fr"])
def test_500_and_400_stand_alone_in_the_person_s_language(language):
    request = RequestFactory().get("/")
    with translation.override(language):
        error = server_error(request).content.decode()
        bad = bad_request(request, SuspiciousOperation()).content.decode()
    assert f'<html lang="{language}">' in error and 'href="/"' in error
    expected = {"en": ("Something went wrong", "Bad request"), "fr": ("Une erreur", "Requête")}
    assert expected[language][0] in error
    assert expected[language][1] in bad
