"""The two-factor policy: people in the roles of RSE_MFA_REQUIRED_FOR without a
second factor are taken to set one up before anything else."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from access.roles import site_moderators_group_name
from audit.models import AuditEntry
from communities.models import Membership
from identity.services import SSO_MFA_SESSION_KEY

from .communities_factories import MembershipFactory
from .factories import ExternalFactory, UserFactory

pytestmark = pytest.mark.django_db

SETUP_URL = "/accounts/2fa/"


def make(role: str):
    if role == "staff":
        return UserFactory(is_staff=True)
    if role == "site_moderators":
        user = UserFactory()
        user.groups.add(Group.objects.get_or_create(name=site_moderators_group_name())[0])
        return user
    if role == "community_managers":
        return MembershipFactory(role=Membership.Role.MANAGER).user
    if role == "externals":
        return ExternalFactory()
    return UserFactory()


def test_without_security_keys_the_totp_set_up_comes_directly(client, settings):
    settings.MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
    settings.RSE_MFA_REQUIRED_FOR = ["staff"]
    client.force_login(UserFactory(is_staff=True))

    assert client.get("/")["Location"] == "/accounts/2fa/totp/activate/?next=%2F"


ROLES = ["staff", "site_moderators", "community_managers", "externals"]


@pytest.mark.parametrize("role", ROLES)
def test_a_person_of_a_covered_role_without_a_second_factor_is_sent_to_set_one_up(
    client, settings, role
):
    settings.RSE_MFA_REQUIRED_FOR = [role]
    person = make(role)
    client.force_login(person)

    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP_URL}?next=%2Fnotifications%2F"
    # The set-up pages stay open (allauth asks to confirm the password first).
    assert client.get(SETUP_URL, follow=True).status_code == 200
    client.get("/")
    entry = AuditEntry.objects.get(action="identity.mfa_enforced")  # once per session
    assert (entry.actor, entry.data) == (person, {"roles": [role]})


@pytest.mark.parametrize("role", ROLES)
def test_other_roles_are_not_covered(client, settings, role):
    settings.RSE_MFA_REQUIRED_FOR = [r for r in ROLES if r != role]
    client.force_login(UserFactory() if role != "externals" else make("externals"))
    if role == "externals":
        settings.RSE_MFA_REQUIRED_FOR = ["staff"]

    assert client.get("/notifications/").status_code == 200
    assert not AuditEntry.objects.filter(action="identity.mfa_enforced").exists()


def test_a_write_is_refused_too_and_nothing_changes(client, settings):
    settings.RSE_MFA_REQUIRED_FOR = ["staff"]
    client.force_login(UserFactory(is_staff=True))

    response = client.post("/communities/new/", {"name": "Sneaky"})

    assert response.status_code == 302 and response["Location"] == SETUP_URL
    assert not Membership.objects.exists()


def test_the_two_factor_page_offers_security_keys(client, settings):
    settings.RSE_MFA_REQUIRED_FOR = ["staff"]
    client.force_login(UserFactory(is_staff=True))

    page = client.get("/", follow=True).content.decode()

    assert "Security Keys" in page or "security key" in page.lower()


def test_a_person_with_a_second_factor_goes_on(client, settings):
    settings.RSE_MFA_REQUIRED_FOR = ["staff"]
    staff = UserFactory(is_staff=True)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)

    assert client.get("/people/").status_code == 200
    assert client.get("/").status_code == 200


def test_recovery_codes_alone_are_not_a_second_factor(client, settings):
    settings.RSE_MFA_REQUIRED_FOR = ["staff"]
    staff = UserFactory(is_staff=True)
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"}
    )
    client.force_login(staff)

    assert client.get("/people/").status_code == 302


def test_a_company_sign_in_asserting_mfa_satisfies_the_policy(client, settings):
    settings.RSE_MFA_REQUIRED_FOR = ["staff"]
    client.force_login(UserFactory(is_staff=True))
    session = client.session
    session[SSO_MFA_SESSION_KEY] = True
    session.save()

    assert client.get("/people/").status_code == 200


def test_no_policy_costs_no_query(client, settings, django_assert_num_queries):
    settings.RSE_MFA_REQUIRED_FOR = []
    client.force_login(UserFactory(is_staff=True))
    client.get("/people/")
    with django_assert_num_queries(0):
        from identity.middleware import MFAPolicyMiddleware

        MFAPolicyMiddleware(lambda request: "ok")(type("R", (), {"user": None})())
