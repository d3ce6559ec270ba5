"""The user model's invariants and the demo company."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from access.roles import site_moderators_group_name
from profiles import demo
from profiles.models import User

from .factories import ExternalFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_unique_whatever_its_case(employee):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email=employee.email.upper())


def test_only_externals_may_have_a_sponsor(employee):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(sponsor=employee)


@pytest.mark.parametrize(
    ("kind", "sponsor", "message"),
    [
        ("external", None, "needs an employee as sponsor"),
        ("external", "external", "must be an employee"),
        ("employee", "employee", "Only external members have a sponsor"),
    ],
)
def test_sponsor_rules_are_explained(kind, sponsor, message, employee, external):
    sponsors = {None: None, "employee": employee, "external": external}
    user = User(
        username="new",
        email="new@example.com",
        first_name="Ana",
        last_name="Lima",
        kind=kind,
        sponsor=sponsors[sponsor],
    )
    user.set_unusable_password()

    with pytest.raises(ValidationError, match=message):
        user.full_clean()


def test_names_are_required():
    user = User(username="anon", email="anon@example.com")
    user.set_unusable_password()

    with pytest.raises(ValidationError) as error:
        user.full_clean()

    assert {"first_name", "last_name"} <= set(error.value.message_dict)


def test_external_is_told_apart_from_employee(employee):
    external = ExternalFactory(sponsor=employee)

    assert external.is_external and not employee.is_external
    assert list(employee.sponsored_externals.all()) == [external]


def test_seed_demo_builds_one_account_per_role_and_is_idempotent():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = User.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert User.objects.count() == first >= 30
    assert len(set(User.objects.values_list("department", flat=True))) >= 6
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and admin.is_staff
    moderator = User.objects.get(email="sophie.dubois@example.com")
    assert moderator.groups.filter(name=site_moderators_group_name()).exists()
    partner = User.objects.get(email="jordan.smith@northwind.example.org")
    assert partner.is_external and partner.sponsor.email == "thomas.bernard@example.com"
    partner.full_clean()
    assert all(u.check_password(demo.DEMO_PASSWORD) for u in User.objects.all()[:3])


@pytest.mark.postgres
def test_suite_runs_on_postgresql_with_case_insensitive_email_index():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", ["user_email_ci_unique"]
        )
        (definition,) = cursor.fetchone()
    assert "lower((email)" in definition
