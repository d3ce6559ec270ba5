"""scim2-tester, the independent SCIM checker, against the live server: no failure on
the features RSE declares in its ServiceProviderConfig (README, "Company directory")."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import scim2_tester.filling
from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server
from scim2_tester.checkers import patch_add, patch_replace

from directory import services
from profiles.models import User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tester_fills_datetimes(monkeypatch):
    """scim2-tester 0.5.2 has no generator for dateTime attributes nor for ISO country
    codes: it sends random text (which RSE rightly refuses). Give it a date and a
    country code (RSE's extension, `country`), the only help it gets."""
    original = scim2_tester.filling.generate_random_value

    def generate(context, path, mutability=None, required=None):
        value = original(context, path, mutability=mutability, required=required)
        binding = path.resolve()
        if value is not None and binding is not None and binding.target_type is datetime:
            return datetime(2030, 1, 1, tzinfo=UTC) + timedelta(days=random.randint(0, 999))
        if value is not None and str(path).endswith(":country"):
            return random.choice(["FR", "DE", "BE", "ES", "IT"])
        return value

    for module in (scim2_tester.filling, patch_add, patch_replace):
        monkeypatch.setattr(module, "generate_random_value", generate)


@pytest.mark.usefixtures("tester_fills_datetimes")
def test_scim2_tester_finds_no_error_on_the_declared_features(live_server):
    admin = User.objects.create_superuser("root", "root@example.com", "x-long-password-1")
    _client, token = services.client_create(actor=admin, name="scim2-tester", kind="other")
    http = Client(
        base_url=f"{live_server.url}/scim/v2",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    scim = SyncSCIMClient(http)

    results = check_server(scim)

    failures = [
        f"{r.title} [{r.resource_type}]: {r.reason}"
        for r in results
        if r.status in (Status.ERROR, Status.CRITICAL)
    ]
    assert not failures, "\n".join(failures)
    passed = [r for r in results if r.status == Status.SUCCESS]
    skipped = sorted(
        {
            f"{r.title} [{r.resource_type}]: {r.reason}"
            for r in results
            if r.status == Status.SKIPPED
        }
    )
    print(len(passed), "passed;", *skipped, sep="\n")
    assert len(passed) > 20
