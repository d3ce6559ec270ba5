"""`python -m bench.scim` — provision a company through SCIM, as an identity provider
would, and report the time per batch and the SQL queries per request as the directory
grows (README, "Company directory"). PostgreSQL; the database is created afresh.

python -m bench.scim --users 50000 --groups 2000 --database bench_scim
"""

import argparse
import json
import os
import statistics
import time

from .runner import database_url, manage, server_env


def log(message: str) -> None:
    print(message, flush=True)


def fresh_database(name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(database_url("postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--groups", type=int, default=2_000)
    parser.add_argument("--members", type=int, default=25, help="people per group")
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--database", default="bench_scim")
    args = parser.parse_args()

    env = server_env(args.database)
    env.update(
        RSE_BENCH="false",
        ALLOWED_HOSTS="testserver",
        DIRECTORY_SCIM_RATE_LIMIT=str(10**9),
    )
    fresh_database(args.database)
    manage(env, "migrate", "--no-input", "-v", "0")
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rse.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from directory import services
    from profiles.models import User

    admin = User.objects.create_superuser("bench-admin", "bench-admin@example.com", "x" * 20)
    _client, token = services.client_create(actor=admin, name="bench", kind="other")
    http = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    ctype = "application/scim+json"
    ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    def user(n: int) -> str:
        return json.dumps(
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ent],
                "userName": f"p{n}@example.com",
                "externalId": f"e{n}",
                "name": {"givenName": f"Given{n}", "familyName": f"Family{n}"},
                "emails": [{"value": f"p{n}@example.com", "primary": True}],
                "title": "Engineer",
                "active": True,
                ent: {"employeeNumber": str(n), "department": f"Dept {n % 50}"},
            }
        )

    def queries(method: str, path: str, body: str = "") -> int:
        with CaptureQueriesContext(connection) as captured:
            call = getattr(http, method)
            response = call(path, data=body, content_type=ctype) if body else call(path)
            assert response.status_code < 300, response.content
        return len(captured)

    results: dict = {"users": args.users, "groups": args.groups, "batches": []}
    ids: list[int] = []
    started = time.perf_counter()
    for first in range(0, args.users, args.batch):
        batch_start = time.perf_counter()
        for n in range(first, min(first + args.batch, args.users)):
            response = http.post("/scim/v2/Users", data=user(n), content_type=ctype)
            assert response.status_code == 201, response.content
            ids.append(int(response.json()["id"]))
        elapsed = time.perf_counter() - batch_start
        probe = queries("post", "/scim/v2/Users", user(10**7 + first))
        lookup = queries("get", f'/scim/v2/Users?filter=userName eq "p{first}@example.com"')
        page = queries("get", "/scim/v2/Users?startIndex=1&count=100")
        done = min(first + args.batch, args.users)
        results["batches"].append(
            {
                "directory_size": done,
                "seconds": round(elapsed, 1),
                "ms_per_user": round(1000 * elapsed / args.batch, 1),
                "queries_post": probe,
                "queries_filter": lookup,
                "queries_page_100": page,
            }
        )
        log(f"{done} users: {results['batches'][-1]}")
    results["users_seconds"] = round(time.perf_counter() - started, 1)

    group_times = []
    started = time.perf_counter()
    for g in range(args.groups):
        members = [
            {"value": str(ids[(g * args.members + k) % len(ids)])} for k in range(args.members)
        ]
        body = json.dumps(
            {
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "displayName": f"Group {g}",
                "members": members,
            }
        )
        t0 = time.perf_counter()
        response = http.post("/scim/v2/Groups", data=body, content_type=ctype)
        group_times.append(time.perf_counter() - t0)
        assert response.status_code == 201, response.content
    results["groups_seconds"] = round(time.perf_counter() - started, 1)
    results["ms_per_group"] = round(1000 * statistics.mean(group_times), 1)
    gid = response.json()["id"]
    patch = json.dumps(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": str(ids[0])}]}],
        }
    )
    results["queries_group_patch_add"] = queries("patch", f"/scim/v2/Groups/{gid}", patch)
    results["queries_groups_page_100"] = queries(
        "get", "/scim/v2/Groups?count=100&excludedAttributes=members"
    )
    deactivate = json.dumps(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": False}],
        }
    )
    results["queries_leaver_patch"] = queries("patch", f"/scim/v2/Users/{ids[1]}", deactivate)
    log(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
