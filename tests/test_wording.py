"""Wording in context (issue 17): French elides "de" before a vowel ("Publication
d'Isabelle"), an open case is "Ouvert" (not the verb "Ouvrir"), the decision form shows
every field without JavaScript with what the script needs to show only the chosen
decision's, and labels sit beside their radio buttons and boxes."""

import pytest

from communities.models import Community
from moderation.models import Case

from .communities_factories import CommunityFactory
from .factories import UserFactory
from .moderation_factories import make_cast, reported_post
from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "first_name,french",
    [
        ("Isabelle", "Publication d'Isabelle"),
        ("Élodie", "Publication d'Élodie"),
        ("Thomas", "Publication de Thomas"),
    ],
)
def test_post_titles_elide_in_french(client, employee, first_name, french):
    author = UserFactory(first_name=first_name, last_name="Laurent")
    community = CommunityFactory(access=Community.Access.FREE)
    post = PostFactory(community=community, author=author)
    client.force_login(employee)
    page = client.get(f"/posts/{post.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f"<h1>{french} Laurent</h1>" in page
    english = client.get(f"/posts/{post.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<h1>Post by {first_name} Laurent</h1>" in english


def test_an_open_case_is_ouvert():
    from django.utils import translation

    with translation.override("fr"):
        assert str(Case.Status.OPEN.label) == "Ouvert"


def test_the_decision_form_discloses_by_decision(client):
    cast = make_cast()
    case = Case.objects.get(post=reported_post(cast))
    client.force_login(cast.manager)
    page = client.get(f"/moderation/cases/{case.pk}/").content.decode()
    assert 'data-disclose="outcome"' in page
    assert 'data-show-for="edit"><label for="id_body">' in page
    assert 'data-show-for="move"><label for="id_destination">' in page
    assert 'class="choice"><input type="radio" name="outcome"' in page


def test_the_audience_boxes_have_their_labels_beside(client, employee):
    from django.contrib.auth.models import Group

    Group.objects.create(name="Directors")
    client.force_login(employee)
    page = client.get("/communities/new/").content.decode()
    assert '<div class="choice"><input type="checkbox" name="audience"' in page
