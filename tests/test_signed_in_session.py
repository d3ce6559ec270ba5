"""`manage.py signed_in_session` (for `make lighthouse`): a session for a demo account
only, refused in production."""

import io

import pytest
from django.core.management import CommandError, call_command

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_opens_a_session_for_a_demo_account(client):
    UserFactory(email="nina.durand@example.com", username="nina.durand")
    out = io.StringIO()
    call_command("signed_in_session", "nina.durand@example.com", stdout=out)
    name, _, key = out.getvalue().strip().partition("=")
    client.cookies[name] = key
    response = client.get("/notifications/")
    assert response.status_code == 200


def test_only_demo_accounts_and_never_in_production(settings):
    UserFactory(email="someone@company.example.net")
    with pytest.raises(CommandError, match="No active demo account"):
        call_command("signed_in_session", "someone@company.example.net", stdout=io.StringIO())
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="Refused"):
        call_command("signed_in_session", "nina.durand@example.com", stdout=io.StringIO())
