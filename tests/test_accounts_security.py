"""Sign-in hardening (issue 27): one sign-in for everyone, administrators included, with
two-factor authentication, rate limits and the audit trail on every path."""

import pytest
import time_machine
from allauth.mfa.totp.internal import auth as totp
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from profiles.models import User

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


# Lockout: wrong passwords from one address used to lock the account for everyone.


@pytest.fixture
def fast_hashing(settings):
    """Dozens of sign-ins per test: a cheap hasher (the limits are what is tested)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def person(**kwargs):
    from .factories import UserFactory

    user = UserFactory(**kwargs)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def sign_in_from(address: str, email: str, password: str = PASSWORD):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    return client, response


def test_wrong_passwords_from_one_address_lock_the_account_there_only(fast_hashing):
    victim = person()
    for _ in range(5):
        sign_in_from("203.0.113.66", victim.email, "wrong password")

    attacker, refused = sign_in_from("203.0.113.66", victim.email)
    owner, accepted = sign_in_from("198.51.100.7", victim.email)

    assert "Too many failed login attempts" in refused.text
    assert signed_in_as(attacker) is None
    assert accepted.status_code == 302
    assert signed_in_as(owner) == str(victim.pk)
    entry = AuditEntry.objects.get(action="auth.login_rate_limited")
    assert entry.data == {"identifier": victim.email, "limit": "account_from_address"}
    assert entry.ip_address == "203.0.113.66"


def test_one_address_trying_many_accounts_is_limited(fast_hashing):
    people = [person() for _ in range(11)]
    for someone in people[:10]:
        sign_in_from("203.0.113.66", someone.email, "wrong password")

    _, refused = sign_in_from("203.0.113.66", people[10].email)
    elsewhere, accepted = sign_in_from("198.51.100.7", people[10].email)

    assert "Too many failed login attempts" in refused.text
    assert signed_in_as(elsewhere) == str(people[10].pk)
    entry = AuditEntry.objects.get(action="auth.login_rate_limited")
    assert entry.data["limit"] == "address"


def test_guesses_spread_over_many_addresses_hit_the_account_ceiling(fast_hashing):
    victim = person()
    for n in range(20):  # 5 per address: none of them is locked on its own
        for _ in range(5):
            sign_in_from(f"203.0.113.{n + 1}", victim.email, "wrong password")

    owner, refused = sign_in_from("198.51.100.7", victim.email)

    assert "Too many failed login attempts" in refused.text
    assert signed_in_as(owner) is None
    entries = AuditEntry.objects.filter(action="auth.login_rate_limited")
    assert [entry.data["limit"] for entry in entries] == ["account"]


def test_a_successful_sign_in_gives_its_attempt_back(fast_hashing):
    someone = person()
    for _ in range(4):
        sign_in_from("203.0.113.66", someone.email, "wrong password")
    for _ in range(3):
        client, _ = sign_in_from("203.0.113.66", someone.email)
        assert signed_in_as(client) == str(someone.pk)

    _, last_try = sign_in_from("203.0.113.66", someone.email, "wrong password")

    assert "not correct" in last_try.text


def test_a_password_reset_unlocks_the_account_at_that_address(fast_hashing):
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    someone = person()
    for _ in range(5):
        sign_in_from("203.0.113.66", someone.email, "wrong password")
    client = Client(REMOTE_ADDR="203.0.113.66")
    url = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(someone),
            "key": default_token_generator.make_token(someone),
        },
    )
    form_url = client.get(url).headers["Location"]
    client.post(form_url, {"password1": "a new passphrase", "password2": "a new passphrase"})

    again, _ = sign_in_from("203.0.113.66", someone.email, "a new passphrase")

    assert signed_in_as(again) == str(someone.pk)


def test_the_limit_is_recorded_once_however_many_tries_follow(fast_hashing):
    victim = person()
    for _ in range(9):
        sign_in_from("203.0.113.66", victim.email, "wrong password")

    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 5
    assert AuditEntry.objects.filter(action="auth.login_rate_limited").count() == 1


# Finding 7: sign-up answered ten times faster for an address that has an account.


class CountingHasher(MD5PasswordHasher):
    """Counts the passwords hashed: the costly step of a sign-up, timed without a clock."""

    calls: list[str] = []

    def encode(self, password, salt):
        CountingHasher.calls.append(password)
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.test_accounts_security.CountingHasher"]
    CountingHasher.calls.clear()
    return CountingHasher.calls


SIGNUP = {
    "first_name": "Nadia",
    "last_name": "Benali",
    "password1": "un mot de passe solide",
    "password2": "un mot de passe solide",
}


def sign_up(client, email):
    mail.outbox.clear()
    CountingHasher.calls.clear()
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": email})
    return response, len(CountingHasher.calls), [m.to for m in mail.outbox]


def test_sign_up_costs_the_same_for_a_known_and_a_new_address(client, employee, counting_hasher):
    known, known_hashes, known_mails = sign_up(client, employee.email)
    new, new_hashes, new_mails = sign_up(Client(), "nadia.benali@example.com")

    assert (known.status_code, known.headers["Location"]) == (
        new.status_code,
        new.headers["Location"],
    )
    assert known_hashes == new_hashes == 1
    assert known_mails == [[employee.email]]  # "you already have an account"
    assert new_mails == [["nadia.benali@example.com"]]  # "confirm your address"
    assert User.objects.filter(email=employee.email).count() == 1


def test_sign_in_costs_the_same_for_a_known_and_an_unknown_address(client, counting_hasher):
    someone = person()  # hashed with the counting hasher, as stored passwords are
    counting_hasher.clear()

    client.post(reverse("account_login"), {"login": someone.email, "password": "wrong"})
    known = len(counting_hasher)
    client.post(reverse("account_login"), {"login": "nobody@example.com", "password": "wrong"})

    assert known >= 1
    assert len(counting_hasher) == 2 * known
