"""Handles come from the first and last name (nina.durand), unique; existing ones kept."""

import pytest
from django.urls import reverse

from profiles.models import User

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _sign_up(client, email: str, first: str, last: str) -> User:
    client.post(
        reverse("account_signup"),
        {
            "email": email,
            "first_name": first,
            "last_name": last,
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    return User.objects.get(email=email)


def test_a_new_account_s_handle_is_first_dot_last(client):
    assert _sign_up(client, "nina.durand@example.com", "Nina", "Durand").username == "nina.durand"


def test_accents_go_and_a_namesake_gets_a_unique_handle(client):
    UserFactory(username="elodie.lefevre")
    user = _sign_up(client, "e.lefevre@example.com", "Élodie", "Lefèvre")
    assert user.username.startswith("elodie.lefevre") and user.username != "elodie.lefevre"


def test_existing_handles_are_kept(client):
    person = UserFactory(username="nina", first_name="Nina", last_name="Durand")
    person.save()
    person.refresh_from_db()
    assert person.username == "nina"
