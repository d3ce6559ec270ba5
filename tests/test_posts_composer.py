"""The composer: a preview rendered by the server through the same markup as a
published post (a POST with CSRF, nothing read from the database), the formatting
tools and the draft's place in the page, and the notice that external members will
read a community's post."""

import pytest
from django.test import Client

from communities.models import Community, Membership

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory

pytestmark = pytest.mark.django_db

PREVIEW = "/posts/preview/"


def test_the_preview_is_the_published_markup(client, employee, django_assert_max_num_queries):
    client.force_login(employee)
    body = "**Kick-off** with @nina.durand, see https://intranet.example.org/lean\n\n- one\n- two"
    client.post(PREVIEW, {"body": body})
    with django_assert_max_num_queries(3):  # session, user, the charter (middleware)
        response = client.post(PREVIEW, {"body": body, "tags": "Lean, safety"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Kick-off</strong>" in html
    assert '<a href="/people/nina.durand/" class="mention">@nina.durand</a>' in html
    assert 'href="https://intranet.example.org/lean"' in html
    assert "<li>one</li>" in html
    assert "#lean" in html and "#safety" in html


def test_the_preview_sanitizes_like_the_card(client, employee):
    client.force_login(employee)
    html = client.post(
        PREVIEW,
        {"body": "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=y>"},
    ).content.decode()
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


@pytest.mark.parametrize(
    "data,message",
    [
        ({"body": "   "}, "Nothing to preview yet"),
        ({"body": "x" * 10001}, "too long"),
        ({"body": "fine", "tags": "x" * 200}, "is too long"),
        ({"body": "fine", "tags": "!!!"}, "at least one letter or digit"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(client, employee, settings, data, message):
    settings.RSE_POST_MAX_CHARS = 10000
    client.force_login(employee)
    response = client.post(PREVIEW, data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_preview_needs_a_signed_in_person_a_post_and_the_token(employee):
    assert Client().post(PREVIEW, {"body": "x"}).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(employee)
    assert strict.get(PREVIEW).status_code == 405
    assert strict.post(PREVIEW, {"body": "x"}).status_code == 403


def test_the_composer_carries_its_tools_and_draft_key(client, employee):
    client.force_login(employee)
    page = client.get("/").content.decode()
    assert 'data-preview-url="/posts/preview/"' in page
    assert f'data-draft-key="rse-draft:{employee.pk}:/"' in page
    assert 'role="toolbar"' in page and 'data-format="bold"' in page
    assert "data-composer-tools hidden" in page  # shown by the script only
    assert 'role="combobox"' not in page  # a textarea may not take that role


@pytest.fixture
def partnered(employee):
    community = CommunityFactory(access=Community.Access.CLOSED)
    MembershipFactory(community=community, user=employee)
    for _ in range(3):
        MembershipFactory(community=community, user=ExternalFactory())
    MembershipFactory(community=community, user=ExternalFactory(organisation="Acme"))
    MembershipFactory(
        community=community,
        user=ExternalFactory(organisation="Gone"),
        status=Membership.Status.LEFT,
    )
    MembershipFactory(community=community, user=UserFactory())
    return community


def test_the_composer_says_which_externals_will_read(client, employee, partnered):
    client.force_login(employee)
    page = client.get(f"/communities/{partnered.slug}/").content.decode()
    assert "4 external members from Northwind Consulting and Acme will read this." in page
    assert 'aria-describedby="composer-externals"' in page
    assert "Gone" not in page
    french = client.get(f"/communities/{partnered.slug}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert (
        "4 membres externes de Northwind Consulting et Acme liront ceci." in french.content.decode()
    )


def test_no_notice_without_externals(client, employee):
    community = CommunityFactory(access=Community.Access.OPEN)
    MembershipFactory(community=community, user=employee)
    client.force_login(employee)
    assert "will read this" not in client.get(f"/communities/{community.slug}/").content.decode()


def test_no_notice_for_those_who_may_not_post(client, partnered):
    outsider = UserFactory()
    client.force_login(outsider)
    page = client.get(f"/communities/{partnered.slug}/").content.decode()
    assert "Northwind" not in page and "will read this" not in page
