"""Pages of the base site: home, languages, health, admin of the audit trail."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_home_greets_the_signed_in_person(client, employee):
    client.force_login(employee)

    response = client.get("/")

    assert response.status_code == 200
    assert "Welcome, Camille" in response.text
    assert 'href="/admin/"' not in response.text


def test_administrators_see_the_admin_link(client, admin_user):
    client.force_login(admin_user)

    assert 'href="/admin/"' in client.get("/").text


def test_language_follows_the_browser(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    assert '<html lang="fr">' in response.text
    assert "Connexion" in response.text


def test_language_can_be_switched(client, employee):
    client.force_login(employee)

    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="fr">' in response.text
    assert "Bienvenue, Camille" in response.text


def test_every_page_is_served_with_local_assets_only(client, employee):
    client.force_login(employee)

    html = client.get("/").text

    assert "/static/css/rse.css" in html
    assert "https://" not in html and "http://" not in html.replace("http://www.w3.org", "")


def test_user_text_is_escaped(client, employee):
    employee.first_name = "<script>alert(1)</script>"
    employee.save()
    client.force_login(employee)

    html = client.get("/").text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@override_settings(
    CELERY_TASK_ALWAYS_EAGER=True,
    CELERY_BROKER_URL="memory://",
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
)  # the embedded mode, whatever REDIS_URL says
def test_healthz_reports_database_and_embedded_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "local",
        "broker": "not configured",
    }


@override_settings(
    CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0"
)  # nothing listens on port 1
def test_healthz_answers_503_when_the_broker_is_down(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")


def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405


def test_admin_lists_users_with_search_and_filters(client, admin_user, external):
    client.force_login(admin_user)

    response = client.get(
        reverse("admin:profiles_user_changelist"), {"kind__exact": "external", "q": "Northwind"}
    )

    assert response.status_code == 200
    assert external.email in response.text
    assert admin_user.email not in response.text
