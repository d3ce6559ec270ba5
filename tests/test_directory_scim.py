"""SCIM 2.0 provisioning (/scim/v2/): the company directory creates, changes and closes
accounts and groups; bad input gets a SCIM error and changes nothing."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from access.roles import site_moderators_group_name
from audit.models import AuditEntry
from charter.models import CharterAcceptance
from charter.selectors import current_version
from directory.models import DirectoryEntry, DirectoryGroup, ProvisioningClient
from profiles.models import User

from .communities_factories import CommunityFactory
from .directory_helpers import (
    ENTERPRISE,
    RSE_EXT,
    group_payload,
    make_scim_client,
    user_payload,
)
from .factories import PASSWORD, ExternalFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(admin_user):
    return make_scim_client(admin_user)


def provision(api, username="alice@example.com", **overrides) -> User:
    response = api.post("/Users", user_payload(username, **overrides))
    assert response.status_code == 201, response.content
    return User.objects.get(pk=int(response.json()["id"]))


def sign_in(user: User) -> Client:
    """A browser session of a provisioned person (as single sign-on would open one)."""
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if (version := current_version()) is not None:
        CharterAcceptance.objects.create(user=user, version=version)
    browser = Client()
    response = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get("/").status_code == 200
    return browser


def snapshot() -> tuple:
    return (
        User.objects.count(),
        DirectoryEntry.objects.count(),
        Group.objects.count(),
        AuditEntry.objects.exclude(action="directory.client_created").count(),
    )


# Users -------------------------------------------------------------------------------------


def test_a_person_is_created_with_the_directory_fields(api, admin_user):
    manager = provision(api, "boss@example.com")

    response = api.post(
        "/Users",
        user_payload(
            "alice@example.com",
            **{
                ENTERPRISE: {
                    "employeeNumber": "E-7",
                    "department": "Purchasing",
                    "organization": "ACME France",
                    "manager": {"value": str(manager.pk)},
                },
                RSE_EXT: {"site": "Lyon", "contractEnd": "2031-06-30T00:00:00Z"},
            },
        ),
    )

    assert response.status_code == 201, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert response["Location"] == body["meta"]["location"]
    alice = User.objects.get(username="alice@example.com")
    assert (alice.first_name, alice.last_name, alice.email) == (
        "Alice",
        "Durand",
        "alice@example.com",
    )
    assert (alice.job_title, alice.department, alice.site, alice.organisation) == (
        "Buyer",
        "Purchasing",
        "Lyon",
        "ACME France",
    )
    assert alice.access_expires_at.year == 2031 and alice.kind == User.Kind.EMPLOYEE
    assert not alice.has_usable_password()
    entry = alice.directory_entry
    assert (entry.employee_number, entry.manager, entry.external_id) == (
        "E-7",
        manager,
        "ext-alice@example.com",
    )
    assert body[ENTERPRISE]["manager"]["value"] == str(manager.pk)
    audit = AuditEntry.objects.filter(action="directory.person_created").last()
    assert (audit.client, audit.actor, audit.actor_label) == ("api", None, "SCIM: Entra ID")
    assert audit.data["fields"]["department"] == "Purchasing"
    api.client.refresh_from_db()
    assert api.client.changes_applied == 2 and api.client.last_used_at is not None


def test_an_external_user_type_makes_an_external_sponsored_by_their_manager(api):
    manager = provision(api, "boss@example.com")

    partner = provision(
        api,
        "pat@partner.example.org",
        userType="Contractor",
        **{ENTERPRISE: {"manager": {"value": str(manager.pk)}}},
    )

    assert partner.kind == User.Kind.EXTERNAL and partner.sponsor == manager


@pytest.mark.parametrize(
    ("scim_filter", "expected"),
    [
        ('userName eq "ALICE@example.com"', ["alice@example.com"]),
        ('externalId eq "ext-bob@example.com"', ["bob@example.com"]),
        ('emails.value eq "bob@example.com"', ["bob@example.com"]),
        ('emails[value eq "alice@example.com"]', ["alice@example.com"]),
        (f'{ENTERPRISE}:employeeNumber eq "E-1001"', ["alice@example.com", "bob@example.com"]),
        (
            'userName sw "bob" or userName eq "alice@example.com"',
            ["alice@example.com", "bob@example.com"],
        ),
        ('userName eq "x\\" or userName pr"', []),
        ("active eq false", []),
    ],
)
def test_users_are_filtered(api, scim_filter, expected):
    provision(api, "alice@example.com")
    provision(api, "bob@example.com")

    response = api.get("/Users", filter=scim_filter)

    assert response.status_code == 200, response.content
    assert sorted(r["userName"] for r in response.json()["Resources"]) == expected
    assert response.json()["totalResults"] == len(expected)


@pytest.mark.parametrize(
    "scim_filter",
    [
        'userName eq "a" or 1 eq 1',
        'userName eq "a"; DROP TABLE profiles_user',
        'password eq "secret"',
        'userName gt "a"',
        "userName eq",
    ],
)
def test_a_bad_or_unsupported_filter_is_an_invalid_filter_error(api, scim_filter):
    provision(api)

    response = api.get("/Users", filter=scim_filter)

    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"
    assert User.objects.filter(username="alice@example.com").exists()


def test_users_come_by_pages(api):
    for n in range(5):
        provision(api, f"p{n}@example.com")

    page = api.get("/Users", startIndex=2, count=2).json()
    empty = api.get("/Users", count=0).json()

    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (5, 2, 2)
    assert [r["userName"] for r in page["Resources"]] == ["p1@example.com", "p2@example.com"]
    assert (empty["totalResults"], empty["Resources"]) == (5, [])


def test_only_provisioned_accounts_are_visible_through_scim(api):
    UserFactory()  # a local account, created by hand
    provision(api)

    body = api.get("/Users").json()

    assert body["totalResults"] == 1


def test_put_replaces_and_patch_changes_with_what_changed_audited(api):
    alice = provision(api)

    replaced = api.put(
        f"/Users/{alice.pk}", user_payload(title="Head buyer", **{RSE_EXT: {"site": "Paris"}})
    )
    patched = api.patch(
        f"/Users/{alice.pk}",
        {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Logistics"},
        {"op": "replace", "value": {"title": "Logistics manager"}},
    )

    assert replaced.status_code == 200 and patched.status_code == 200
    alice.refresh_from_db()
    assert (alice.job_title, alice.department, alice.site) == (
        "Logistics manager",
        "Logistics",
        "Paris",
    )
    changes = [
        e.data["changes"]
        for e in AuditEntry.objects.filter(action="directory.person_updated").order_by("sequence")
    ]
    assert changes == [
        {"job_title": ["Buyer", "Head buyer"], "site": ["Lyon", "Paris"]},
        {
            "job_title": ["Head buyer", "Logistics manager"],
            "department": ["Purchasing", "Logistics"],
        },
    ]
    assert patched.json()["title"] == "Logistics manager"


def test_entra_style_filtered_paths_change_the_work_address(api):
    alice = provision(api)

    response = api.patch(
        f"/Users/{alice.pk}",
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "a.durand@example.com"},
        {"op": "Add", "path": 'addresses[type eq "work"].locality', "value": "Lyon"},
    )

    assert response.status_code == 200, response.content
    alice.refresh_from_db()
    assert alice.email == "a.durand@example.com"
    assert response.json()["emails"] == [{"value": "a.durand@example.com"}]


def test_a_person_created_by_hand_is_taken_over_not_duplicated(api):
    local = UserFactory(username="alice@example.com", email="alice@example.com", job_title="?")

    response = api.post("/Users", user_payload())

    assert response.status_code == 201 and response.json()["id"] == str(local.pk)
    local.refresh_from_db()
    assert local.job_title == "Buyer" and hasattr(local, "directory_entry")
    assert AuditEntry.objects.get(action="directory.person_updated").data["adopted"] is True


# Bad input ---------------------------------------------------------------------------------


def test_a_duplicate_user_name_is_a_uniqueness_conflict(api):
    provision(api)
    before = snapshot()

    response = api.post("/Users", user_payload("ALICE@example.com"))

    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"
    assert snapshot() == before
    api.client.refresh_from_db()
    assert api.client.errors_count == 1 and "already taken" in api.client.last_error


def test_a_duplicate_email_under_another_user_name_is_a_conflict(api):
    provision(api)
    before = snapshot()

    response = api.post(
        "/Users", user_payload("alice2", emails=[{"value": "Alice@example.com", "primary": True}])
    )

    assert response.status_code == 409 and snapshot() == before


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        (b'{"userName": "alice@example.com", ', "invalidSyntax"),
        (b"[1, 2]", "invalidSyntax"),
    ],
)
def test_malformed_json_is_refused(api, body, scim_type):
    before = snapshot()

    response = api.post("/Users", raw=body)

    assert response.status_code == 400 and response.json()["scimType"] == scim_type
    assert snapshot() == before


def test_an_unknown_attribute_is_refused_and_nothing_is_written(api):
    before = snapshot()

    response = api.post("/Users", user_payload(favouriteColour="blue"))

    assert response.status_code == 400
    assert response.json()["scimType"] in ("invalidSyntax", "invalidValue")
    assert "favouriteColour" in response.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": {"givenName": "Alice"}}, "last_name"),
        ({"userName": "alice durand", "emails": [{"value": "a@example.com"}]}, "not a valid"),
        ({"emails": [{"value": "not-an-address"}], "userName": "alice"}, "valid email"),
        ({ENTERPRISE: {"manager": {"value": "999999"}}}, "manager"),
    ],
)
def test_invalid_values_are_refused_with_a_message(api, overrides, message):
    before = snapshot()

    response = api.post("/Users", user_payload(**overrides))

    assert response.status_code == 400, response.content
    assert response.json()["scimType"] == "invalidValue"
    assert message in response.json()["detail"]
    assert snapshot() == before


def test_a_failing_patch_leaves_the_person_as_they_were(api):
    alice = provision(api)
    provision(api, "bob@example.com")

    response = api.patch(
        f"/Users/{alice.pk}",
        {"op": "replace", "path": "title", "value": "Changed"},
        {"op": "replace", "path": "userName", "value": "bob@example.com"},
    )

    assert response.status_code == 409
    alice.refresh_from_db()
    assert (alice.job_title, alice.username) == ("Buyer", "alice@example.com")


@pytest.mark.parametrize(
    "header",
    ["", "Bearer ", "Bearer rse_scim_wrong", "Basic dXNlcjpwYXNz", "Token x"],
)
def test_without_a_valid_token_nothing_is_answered(api, header):
    response = Client().get("/scim/v2/Users", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["status"] == "401"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working_at_once(api, admin_user):
    from directory import services

    services.client_revoke(actor=admin_user, client=api.client)

    assert api.get("/Users").status_code == 401
    assert AuditEntry.objects.filter(action="directory.client_revoked").exists()


def test_the_token_is_stored_hashed(api):
    stored = ProvisioningClient.objects.get(pk=api.client.pk)

    assert api.token not in (stored.token_hash, stored.token_hint)
    assert len(stored.token_hash) == 64


def test_calls_beyond_the_rate_limit_are_refused(api, settings):
    settings.DIRECTORY_SCIM_RATE_LIMIT = 3

    statuses = [api.get("/Users").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


# The leaver ------------------------------------------------------------------------------


def test_a_leaver_disabled_in_the_directory_is_out_at_their_next_request(api):
    alice = provision(api, name={"givenName": "Alice", "familyName": "Leaving"})
    colleague = provision(api, "bob@example.com")
    browser = sign_in(alice)
    bob = sign_in(colleague)
    profile_link = reverse("people:detail", args=[alice.username])
    assert profile_link in bob.get(reverse("people:directory")).content.decode()
    assert profile_link in bob.get(reverse("search:results"), {"q": "Leaving"}).content.decode()
    assert bob.get(reverse("search:suggest"), {"q": "Leaving"}).json()["people"] != []

    response = api.patch(f"/Users/{alice.pk}", {"op": "replace", "path": "active", "value": False})

    assert response.status_code == 200 and response.json()["active"] is False
    next_request = browser.get("/")
    assert next_request.status_code == 302
    assert reverse("account_login") in next_request["Location"]
    alice.refresh_from_db()
    assert not alice.is_active
    closed = AuditEntry.objects.get(action="account.closed")
    assert (closed.client, closed.actor_label, closed.data) == (
        "api",
        "SCIM: Entra ID",
        {"sessions": 1},
    )
    assert profile_link not in bob.get(reverse("people:directory")).content.decode()
    page = bob.get(reverse("search:results"), {"q": "Leaving"}).content.decode()
    assert profile_link not in page
    assert bob.get(reverse("search:suggest"), {"q": "Leaving"}).json()["people"] == []


def test_entra_style_patch_with_a_string_closes_and_reactivation_restores(api):
    alice = provision(api)

    closed = api.patch(f"/Users/{alice.pk}", {"op": "Replace", "path": "active", "value": "False"})
    reopened = api.patch(f"/Users/{alice.pk}", {"op": "replace", "value": {"active": True}})

    assert closed.status_code == 200 and reopened.status_code == 200
    alice.refresh_from_db()
    assert alice.is_active
    assert AuditEntry.objects.filter(action="account.reactivated", client="api").count() == 1


def test_delete_closes_the_account_and_a_new_post_brings_it_back(api):
    alice = provision(api)
    sign_in(alice)

    deleted = api.delete(f"/Users/{alice.pk}")
    gone = api.get(f"/Users/{alice.pk}")
    again = api.post("/Users", user_payload())

    assert deleted.status_code == 204 and gone.status_code == 404
    assert gone.json()["status"] == "404"
    assert again.status_code == 201 and again.json()["id"] == str(alice.pk)
    alice.refresh_from_db()
    assert alice.is_active
    actions = list(
        AuditEntry.objects.filter(action__startswith="account.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["account.closed", "account.reactivated"]


@pytest.mark.usefixtures("tasks_run_here")
def test_a_leaver_who_sponsors_externals_has_them_re_sponsored_at_once(
    api, django_capture_on_commit_callbacks
):
    sponsor = provision(api)
    partner = ExternalFactory(sponsor=sponsor)

    with django_capture_on_commit_callbacks(execute=True):
        api.patch(f"/Users/{sponsor.pk}", {"op": "replace", "path": "active", "value": False})

    entry = AuditEntry.objects.get(action="account.sponsor_needed")
    assert entry.target_id == str(partner.pk)


# Groups ------------------------------------------------------------------------------------


def test_a_group_feeds_a_hidden_community_audience_at_once(api):
    alice = provision(api)
    response = api.post("/Groups", group_payload("Purchasing", members=[alice.pk]))
    assert response.status_code == 201
    dgroup = DirectoryGroup.objects.get(pk=int(response.json()["id"]))
    community = CommunityFactory(visibility="hidden", access="open", slug="buyers")
    community.audience.add(dgroup.group)
    browser = sign_in(alice)
    assert browser.get("/communities/buyers/").status_code == 200

    removed = api.patch(
        f"/Groups/{dgroup.pk}", {"op": "remove", "path": f'members[value eq "{alice.pk}"]'}
    )

    assert removed.status_code == 200
    assert browser.get("/communities/buyers/").status_code == 404
    entry = AuditEntry.objects.get(
        action="directory.group_members_changed", data__removed__0=alice.username
    )
    assert entry.client == "api"


def test_group_members_are_added_replaced_and_listed(api):
    alice, bob = provision(api), provision(api, "bob@example.com")
    gid = api.post("/Groups", group_payload("Sales")).json()["id"]

    api.patch(
        f"/Groups/{gid}", {"op": "add", "path": "members", "value": [{"value": str(alice.pk)}]}
    )
    api.patch(f"/Groups/{gid}", {"op": "add", "value": {"members": [{"value": str(bob.pk)}]}})
    both = api.get(f"/Groups/{gid}").json()
    api.put(f"/Groups/{gid}", group_payload("Sales & marketing", members=[bob.pk]))

    assert sorted(m["value"] for m in both["members"]) == sorted([str(alice.pk), str(bob.pk)])
    group = DirectoryGroup.objects.get(pk=gid).group
    assert group.name == "Sales & marketing"
    assert list(group.user_set.all()) == [bob]
    assert (
        api.get("/Groups", filter='displayName eq "sales & MARKETING"').json()["totalResults"] == 1
    )
    without = api.get("/Groups", excludedAttributes="members").json()["Resources"][0]
    assert "members" not in without


def test_an_unknown_member_is_refused_and_the_group_is_not_created(api):
    before = snapshot()

    response = api.post("/Groups", group_payload("Ghosts", members=[424242]))

    assert response.status_code == 400 and response.json()["scimType"] == "invalidValue"
    assert snapshot() == before


def test_a_duplicate_group_name_is_a_conflict(api):
    api.post("/Groups", group_payload("Sales"))

    response = api.post("/Groups", group_payload("sales"))

    assert response.status_code == 409 and response.json()["scimType"] == "uniqueness"


def test_a_configured_group_feeds_the_site_moderators(api, settings):
    settings.DIRECTORY_ROLE_GROUPS = {"RSE-Moderators": site_moderators_group_name()}
    alice = provision(api)

    response = api.post("/Groups", group_payload("RSE-Moderators", members=[alice.pk]))
    api.delete(f"/Groups/{response.json()['id']}")

    assert response.json()["displayName"] == "RSE-Moderators"
    moderators = Group.objects.get(name=site_moderators_group_name())
    assert list(moderators.user_set.all()) == []  # emptied by the delete, the role kept
    deleted = AuditEntry.objects.get(action="directory.group_deleted")
    assert deleted.data["group"] == site_moderators_group_name()
    assert deleted.data["members"] == [alice.username]


def test_deleting_a_group_removes_the_population(api):
    alice = provision(api)
    gid = api.post("/Groups", group_payload("Sales", members=[alice.pk])).json()["id"]

    assert api.delete(f"/Groups/{gid}").status_code == 204

    assert not Group.objects.filter(name="Sales").exists()
    assert api.get(f"/Groups/{gid}").status_code == 404
    assert AuditEntry.objects.get(action="directory.group_deleted").data["members"] == [
        alice.username
    ]


# Discovery and query counts --------------------------------------------------------------


def test_discovery_endpoints_describe_what_is_supported(api):
    config = api.get("/ServiceProviderConfig").json()
    types = api.get("/ResourceTypes").json()
    schemas = api.get("/Schemas").json()

    assert config["patch"]["supported"] and config["filter"]["supported"]
    assert not config["bulk"]["supported"] and not config["etag"]["supported"]
    assert [t["name"] for t in types["Resources"]] == ["User", "Group"]
    user = next(s for s in schemas["Resources"] if s["name"] == "User")
    assert {a["name"] for a in user["attributes"]} == {
        "userName",
        "name",
        "displayName",
        "title",
        "userType",
        "active",
        "emails",
    }
    assert api.get("/Nothing/here").status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_query_counts_do_not_grow_with_the_directory(api, size, django_assert_max_num_queries):
    manager = provision(api, "boss@example.com")
    people = [
        provision(api, f"p{n}@example.com", **{ENTERPRISE: {"manager": {"value": str(manager.pk)}}})
        for n in range(size)
    ]
    api.post("/Groups", group_payload("All", members=[p.pk for p in people]))
    api.post("/Groups", group_payload("Some", members=[p.pk for p in people[:2]]))

    with django_assert_max_num_queries(4):
        assert api.get("/Users").json()["totalResults"] == size + 1
    with django_assert_max_num_queries(5):
        assert api.get("/Groups").json()["totalResults"] == 2
    with django_assert_max_num_queries(4):
        api.get("/Users", filter='userName eq "p1@example.com"')


def test_an_erased_person_is_no_longer_the_directorys_and_nothing_writes_them_back(api, admin_user):
    """Erasure (privacy.erasure) unlinks the account from the directory: an update the
    directory sends afterwards finds no one (404) and cannot put the name, address or
    attributes back into the erased account."""
    from django.contrib.auth.models import Permission

    from privacy import erasure

    alice = provision(api)
    response = api.patch(f"/Users/{alice.pk}", {"op": "replace", "path": "active", "value": False})
    assert response.status_code == 200, response.content
    dpo = UserFactory(is_staff=True)
    dpo.user_permissions.add(Permission.objects.get(codename="add_personerasure"))
    erasure.person_erase(actor=User.objects.get(pk=dpo.pk), user=User.objects.get(pk=alice.pk))
    assert not DirectoryEntry.objects.filter(user=alice).exists()
    erased = User.objects.values().get(pk=alice.pk)

    assert api.put(f"/Users/{alice.pk}", user_payload()).status_code == 404
    assert api.get(f"/Users/{alice.pk}").status_code == 404
    assert api.get("/Users", filter='userName eq "alice@example.com"').json()["totalResults"] == 0
    assert User.objects.values().get(pk=alice.pk) == erased
    entry = AuditEntry.objects.get(action="privacy.person_erased")
    assert entry.data["directory_links_removed"] == 1
