"""Sign-in hardening (issue 27): one sign-in for everyone, administrators included, with
two-factor authentication, rate limits and the audit trail on every path."""

import pytest
import time_machine
from allauth.mfa.totp.internal import auth as totp
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry

from .factories import PASSWORD

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/admin/login/"
ADMIN_INDEX = "/admin/"


def current_code(secret: str) -> str:
    counter = next(iter(totp.yield_hotp_counters_from_time()))
    return totp.format_hotp_value(totp.hotp_value(secret, counter))


@pytest.fixture
def admin_with_totp(admin_user):
    secret = totp.generate_totp_secret()
    totp.TOTP.activate(admin_user, secret)
    admin_user.totp_secret = secret
    return admin_user


def signed_in_as(client: Client):
    return client.session.get("_auth_user_id")


# Finding 1: /admin/login/ skipped two-factor authentication and the rate limits.


def test_admin_login_page_sends_to_the_site_sign_in(client):
    response = client.get(ADMIN_LOGIN + "?next=/admin/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login") + "?next=")


def test_admin_login_refuses_a_password_alone_from_an_admin_with_totp(client, admin_with_totp):
    response = client.post(
        ADMIN_LOGIN + "?next=/admin/",
        {"username": admin_with_totp.username, "password": PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))
    assert signed_in_as(client) is None
    assert client.get(ADMIN_INDEX).status_code == 302
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_site_sign_in_with_the_password_alone_does_not_open_admin(client, admin_with_totp):
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": admin_with_totp.email, "password": PASSWORD},
    )

    assert response.headers["Location"].startswith(reverse("mfa_authenticate"))
    assert signed_in_as(client) is None
    assert client.get(ADMIN_INDEX).status_code == 302


def test_admin_reaches_admin_after_a_full_sign_in_with_totp(client, admin_with_totp):
    with time_machine.travel(timezone.now(), tick=False):  # the code stays valid
        login = client.get(ADMIN_LOGIN + "?next=/admin/").headers["Location"]
        client.post(login, {"login": admin_with_totp.email, "password": PASSWORD})
        response = client.post(
            reverse("mfa_authenticate"), {"code": current_code(admin_with_totp.totp_secret)}
        )

    assert response.status_code == 302
    assert client.get(response.headers["Location"], follow=True).status_code == 200
    assert signed_in_as(client) == str(admin_with_totp.pk)
    page = client.get(ADMIN_INDEX)
    assert page.status_code == 200
    assert "Site administration" in page.text
    assert AuditEntry.objects.filter(action="auth.login", actor=admin_with_totp).exists()


def test_signed_in_employee_is_refused_admin_login(client, employee):
    client.force_login(employee)

    assert client.get(ADMIN_LOGIN).status_code == 403


def test_wrong_passwords_at_admin_login_never_give_a_session(client, admin_user):
    for _ in range(30):
        client.post(ADMIN_LOGIN, {"username": admin_user.username, "password": "wrong"})

    client.post(ADMIN_LOGIN, {"username": admin_user.username, "password": PASSWORD})

    assert signed_in_as(client) is None
    assert client.get(ADMIN_INDEX).status_code == 302


def test_wrong_passwords_for_an_admin_are_throttled(client, admin_user):
    url = reverse("account_login") + "?next=/admin/"
    for _ in range(5):
        client.post(url, {"login": admin_user.email, "password": "wrong password"})

    response = client.post(url, {"login": admin_user.email, "password": PASSWORD})

    assert "Too many failed login attempts" in response.text
    assert signed_in_as(client) is None
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 5


def test_wrong_totp_codes_are_throttled(client, admin_with_totp):
    with time_machine.travel(timezone.now(), tick=False):
        client.post(
            reverse("account_login"), {"login": admin_with_totp.email, "password": PASSWORD}
        )
        good = current_code(admin_with_totp.totp_secret)
        wrong = f"{(int(good) + 1) % 1_000_000:06d}"
        for _ in range(10):
            client.post(reverse("mfa_authenticate"), {"code": wrong})

        response = client.post(reverse("mfa_authenticate"), {"code": good})

    assert "Too many failed login attempts" in response.text
    assert signed_in_as(client) is None
