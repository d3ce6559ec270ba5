"""Accounts: sign-up for company addresses only, sign-in by e-mail, rate limits, audit."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from profiles.models import User

from .factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "nadia.benali@example.com",
    "first_name": "Nadia",
    "last_name": "Benali",
    "password1": "un mot de passe solide",
    "password2": "un mot de passe solide",
}


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_up_with_company_address_creates_account_and_asks_to_verify(client):
    response = client.post(reverse("account_signup"), SIGNUP)

    assert response.status_code == 302
    user = User.objects.get(email="nadia.benali@example.com")
    assert (user.first_name, user.last_name, user.kind) == ("Nadia", "Benali", "employee")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert "nadia.benali@example.com" in mail.outbox[0].to


def test_verification_link_confirms_address_and_signs_in(client):
    client.post(reverse("account_signup"), SIGNUP)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[0].body)

    client.post(link.group(1))

    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified
    assert client.get(reverse("posts:home")).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "someone@gmail.com"}, "email", "reserved to company addresses"),
        ({"email": "partner@northwind.example.org"}, "email", "join by invitation"),
        ({"first_name": ""}, "first_name", "This field is required"),
        ({"last_name": "   "}, "last_name", "This field is required"),
        ({"first_name": "1234"}, "first_name", "real name"),
        ({"password2": "something else"}, "password2", "same password"),
        ({"password1": "short", "password2": "short"}, "password1", "too short"),
    ],
)
def test_sign_up_refuses_bad_input_and_keeps_what_was_typed(client, changes, field, message):
    data = {**SIGNUP, **changes}

    response = client.post(reverse("account_signup"), data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert list(User.objects.values_list("email", flat=True)) == []
    assert len(mail.outbox) == 0
    assert f'value="{data["last_name"].strip() or data["first_name"]}"' in response.text


def test_sign_in_by_email_reaches_home_and_is_audited(client, employee):
    response = sign_in(client, employee.email.upper())

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("posts:home")
    assert "Camille" in client.get(reverse("posts:home")).text
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor == employee
    assert entry.ip_address == "127.0.0.1"


def test_failed_sign_in_is_refused_and_audited_without_the_password(client, employee):
    response = sign_in(client, employee.email, "wrong password")

    assert response.status_code == 200
    assert "not correct" in response.text
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor is None
    assert entry.data == {"identifier": employee.email}
    assert "wrong password" not in str(entry.data)


def test_unverified_address_cannot_sign_in(client):
    from .factories import UserFactory

    user = UserFactory(verified_email=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    sign_in(client, user.email)

    assert client.get(reverse("posts:home")).status_code == 302


def test_closed_account_cannot_sign_in(client, former_employee):
    sign_in(client, former_employee.email)

    assert client.get(reverse("posts:home")).status_code == 302


def test_sign_in_is_rate_limited_after_repeated_failures(client, employee):
    for _ in range(5):
        sign_in(client, employee.email, "wrong password")

    response = sign_in(client, employee.email)  # even the right password is refused now

    assert "Too many failed login attempts" in response.text
    assert client.get(reverse("posts:home")).status_code == 302


def test_password_reset_sends_a_link_by_email(client, employee):
    response = client.post(reverse("account_reset_password"), {"email": employee.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_sign_out_ends_the_session_and_is_audited(client, employee):
    client.force_login(employee)

    client.post(reverse("account_logout"))

    assert client.get(reverse("posts:home")).status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout", actor=employee).exists()


def test_mfa_totp_setup_is_offered(client, employee):
    client.force_login(employee)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == 200
    assert "Authenticator secret" in response.text
    assert response.context["form"].fields["code"].required


def test_a_person_sees_their_sessions_and_can_end_the_others(client, employee):
    from django.test import Client

    other_device = Client(HTTP_USER_AGENT="Phone/1.0")
    sign_in(other_device, employee.email)
    sign_in(client, employee.email)

    page = client.get(reverse("usersessions_list"))
    client.post(reverse("usersessions_list"), {"action": "logout"})

    assert "Phone/1.0" in page.text
    assert other_device.get(reverse("posts:home")).status_code == 302
    assert client.get(reverse("posts:home")).status_code == 200
