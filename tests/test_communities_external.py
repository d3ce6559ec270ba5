"""External partners invited by e-mail into a closed community."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from access import communities as community_rules
from charter.models import CharterAcceptance
from charter.selectors import current_version
from communities import services
from communities.models import ExternalInvitation, Membership
from profiles.models import User

from .factories import PASSWORD

pytestmark = pytest.mark.django_db

FORM = {
    "email": "alex.doe@northwind.example.org",
    "first_name": "Alex",
    "last_name": "Doe",
    "organisation": "Northwind Consulting",
}


@pytest.fixture
def atlas(employee):
    return services.community_create(
        actor=employee,
        data={"name": "Atlas", "slug": "atlas", "access": "closed", "visibility": "visible"},
    )


def invite(client, employee, data=None):
    client.force_login(employee)
    return client.post("/communities/atlas/invite-external/", data or FORM, follow=True)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.RSE_SITE_URL = "https://rse.example.com/"


def test_a_partner_creates_their_account_from_the_link_and_accepts(
    client, employee, atlas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, employee)
    assert "An invitation is sent to alex.doe@northwind.example.org." in response.content.decode()
    link = re.search(
        r"https://rse\.example\.com(/communities/invitation/\S+/)", mail.outbox[0].body
    )[1]
    client.logout()
    assert "Alex Doe" in client.get(link).content.decode()
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    partner = User.objects.get(email="alex.doe@northwind.example.org")
    assert (partner.kind, partner.sponsor) == ("external", employee)
    assert Membership.objects.get(user=partner).status == "invited"
    # The charter comes first (the gate), then the invitation.
    assert client.post("/communities/atlas/accept/")["Location"].startswith("/charter/")
    assert Membership.objects.get(user=partner).status == "invited"
    CharterAcceptance.objects.create(user=partner, version=current_version())
    client.post("/communities/atlas/accept/")
    assert Membership.objects.get(user=partner).status == "active"
    assert list(community_rules.communities_discoverable_by(partner)) == [atlas]
    # The link works once.
    assert client.get(link).status_code == 404


def test_the_invitation_link_is_built_on_the_site_url_never_on_the_requests_host(
    client, employee, atlas, settings, django_capture_on_commit_callbacks
):
    """Issue 27 (hardening): a forged Host header must not send the partner's token
    elsewhere, even behind a proxy that lets any host through."""
    settings.ALLOWED_HOSTS = ["*"]
    client.force_login(employee)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/communities/atlas/invite-external/", FORM, HTTP_HOST="evil.example")
    body = mail.outbox[0].body
    assert "evil.example" not in body
    token = ExternalInvitation.objects.get().token
    assert f"https://rse.example.com/communities/invitation/{token}/" in body


def test_refused_for_company_addresses_existing_accounts_and_open_communities(
    client, employee, atlas
):
    response = invite(client, employee, {**FORM, "email": "someone@example.com"})
    assert "This is a company address" in response.content.decode()
    response = invite(client, employee, {**FORM, "email": employee.email.upper()})
    assert "company address" in response.content.decode()
    services.community_update(actor=employee, community=atlas, data={"access": "open"})
    response = invite(client, employee)
    assert "only be invited into closed communities" in response.content.decode()
    assert not ExternalInvitation.objects.exists()


def test_a_member_cannot_send_external_invitations(client, employee, atlas):
    from .communities_factories import MembershipFactory

    member = MembershipFactory(community=atlas).user
    client.force_login(member)
    response = client.post("/communities/atlas/invite-external/", FORM)
    assert response.status_code == 403
    assert not ExternalInvitation.objects.exists()


def test_an_expired_link_answers_404(client, employee, atlas):
    invite(client, employee)
    token = ExternalInvitation.objects.get().token
    client.logout()
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert client.get(f"/communities/invitation/{token}/").status_code == 404
        assert (
            client.post(
                f"/communities/invitation/{token}/", {"password1": PASSWORD, "password2": PASSWORD}
            ).status_code
            == 404
        )
    assert not User.objects.filter(email=FORM["email"]).exists()


def test_a_weak_password_is_refused(client, employee, atlas):
    invite(client, employee)
    token = ExternalInvitation.objects.get().token
    client.logout()
    response = client.post(
        f"/communities/invitation/{token}/", {"password1": "short", "password2": "short"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(email=FORM["email"]).exists()
