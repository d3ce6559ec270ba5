"""Schemathesis against the running API (README, "API"; `make api-check`): the app is
served on PostgreSQL, tokens are made for several roles, and schemathesis generates
requests from the OpenAPI schema — 0 server errors, 0 responses that break the schema.

Marked `postgres`: CI runs it there (RSE_REQUIRE_SERVICES); elsewhere it skips."""

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from communities.models import Community, Membership

from .api_helpers import token_for
from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
from .posts_factories import CommentFactory, PostFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
    ]
)
EXAMPLES = os.environ.get("RSE_API_CHECK_EXAMPLES", "12")


def _people() -> dict:
    guild = CommunityFactory(slug="guild", access=Community.Access.OPEN)
    free = CommunityFactory(slug="news", access=Community.Access.FREE)
    hidden = CommunityFactory(slug="board", access=Community.Access.CLOSED, visibility="hidden")
    manager = UserFactory(username="manager")
    member = UserFactory(username="member")
    external = ExternalFactory(username="partner")
    MembershipFactory(community=guild, user=manager, role=Membership.Role.MANAGER)
    MembershipFactory(community=hidden, user=manager, role=Membership.Role.MANAGER)
    MembershipFactory(community=guild, user=member)
    MembershipFactory(community=hidden, user=external)
    MembershipFactory(community=guild, user=UserFactory(), status=Membership.Status.REQUESTED)
    for community in (guild, free, hidden):
        post = PostFactory(community=community, author=manager, tags=["lean"])
        CommentFactory(post=post, author=manager)
    return {"manager": manager, "member": member, "external": external}


@pytest.mark.parametrize("role", ["member", "manager", "external"])
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    live_server, settings, tmp_path, role
):
    settings.RSE_API_RATE_PER_TOKEN = "100000/minute"
    settings.RSE_API_RATE_PER_PERSON = "100000/minute"
    person = _people()[role]
    token = token_for(person, scopes=["read", "write"])
    schema = f"{live_server.url}/api/v1/schema/?format=json"
    # The schema is generated on each call: on a loaded machine that takes seconds (a
    # first run timed out loading it), so schemathesis is told to wait. It is generated
    # once here first: drf-spectacular loads its extensions on the first generation, and
    # two first generations at once (schemathesis retrying) made one of them fail.
    with urllib.request.urlopen(schema, timeout=300) as response:  # noqa: S310 - our server
        assert response.status == 200
    result = subprocess.run(  # noqa: S603 - our own virtualenv's program, fixed arguments
        [
            str(SCHEMATHESIS),
            "run",
            schema,
            "--wait-for-schema",
            "120",
            "--request-timeout",
            "60",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            EXAMPLES,
            "--seed",
            "2026",
            "--workers",
            "1",
            "--phases",
            "examples,coverage,fuzzing",
            "--generation-database",
            "none",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=tmp_path,  # schemathesis keeps a cache in its working directory
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
