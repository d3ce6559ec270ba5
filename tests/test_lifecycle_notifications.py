"""The templates of the lifecycle notifications: one sentence per event, with a link,
in the app (relative links) and in e-mails (absolute links)."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from notifications.models import Notification

from .communities_factories import CommunityFactory
from .factories import ExternalFactory, UserFactory

pytestmark = pytest.mark.django_db

COMMUNITY_EVENTS = {
    "dormant": {"archive_on": "2026-08-01", "inactive_days": 180},
    "dormant_reminder": {"archive_on": "2026-08-01", "days_left": 15},
    "archived": {},
}
ACCOUNT_EVENTS = {
    "reconfirm_due": {"deadline": "2026-04-19"},
    "reconfirm_closing": {"deadline": "2026-04-19"},
    "external_reconfirm_due": {"deadline": "2026-04-19"},
    "external_reconfirm_closing": {"deadline": "2026-04-19"},
    "external_suspended": {"reason": "lapsed"},
    "sponsor_needed": {},
    "sponsor_needed_admin": {},
    "sponsor_named": {},
}


def render(kind, community, data, base_url=""):
    note = Notification(recipient=UserFactory(), kind=kind, community=community, data=data)
    return render_to_string(f"notifications/kinds/{kind}.html", {"n": note, "base_url": base_url})


@pytest.mark.parametrize("event", COMMUNITY_EVENTS)
def test_community_lifecycle_sentences_link_to_the_community(event):
    community = CommunityFactory(name="Runners <3")

    html = render("community_lifecycle", community, {"event": event, **COMMUNITY_EVENTS[event]})
    mail = render(
        "community_lifecycle",
        community,
        {"event": event, **COMMUNITY_EVENTS[event]},
        base_url="https://rse.example.com",
    )

    assert f'href="/communities/{community.slug}/"' in html
    assert "Runners &lt;3" in html and "<3" not in html
    assert f'href="https://rse.example.com/communities/{community.slug}/"' in mail
    assert html.strip().count("\n") == 0 and "Something changed" not in html


@pytest.mark.parametrize("event", ACCOUNT_EVENTS)
def test_account_sentences_link_somewhere_useful(event):
    external = ExternalFactory(first_name="Jordan", last_name="<Smith>")
    community = CommunityFactory()
    data = {
        "event": event,
        "name": external.get_full_name(),
        "username": external.username,
        **ACCOUNT_EVENTS[event],
    }

    html = render("account", community, data, base_url="https://rse.example.com")

    assert 'href="https://rse.example.com/' in html
    assert "<Smith>" not in html
    assert "Something changed" not in html


def test_sentences_are_translated():
    community = CommunityFactory()
    with translation.override("fr"):
        html = render("community_lifecycle", community, {"event": "archived"})
    assert "archivée" in html
