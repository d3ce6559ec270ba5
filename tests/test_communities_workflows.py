"""Membership workflows through the services and the pages, good input and bad."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from access import communities as community_rules
from access.people import users_visible_to
from audit.models import AuditEntry
from communities import invitations, memberships, services
from communities.models import Community, Membership

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory

pytestmark = pytest.mark.django_db

OPEN = {"name": "Python guild", "slug": "python-guild", "access": "open", "visibility": "visible"}


def snapshot():
    return (
        list(Community.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
    )


@pytest.fixture
def manager():
    return UserFactory(first_name="Thomas", last_name="Bernard")


@pytest.fixture
def open_community(manager):
    return services.community_create(actor=manager, data=OPEN)


@pytest.fixture
def closed_community(manager):
    return services.community_create(
        actor=manager, data={**OPEN, "name": "Atlas", "slug": "atlas", "access": "closed"}
    )


def actions():
    entries = AuditEntry.objects.exclude(action__startswith="auth.").order_by("sequence")
    return list(entries.values_list("action", flat=True))


# Creating ---------------------------------------------------------------------------


def test_the_creator_becomes_the_manager_with_guardian_rights(manager, open_community):
    membership = Membership.objects.get(community=open_community, user=manager)
    assert (membership.status, membership.role) == ("active", "manager")
    assert manager.has_perm("communities.manage_community", open_community)
    assert open_community.members_count == 1
    assert actions()[-2:] == ["community.created", "permission.granted"]


def test_create_page_makes_a_community(client, employee):
    client.force_login(employee)
    response = client.post("/communities/new/", {**OPEN, "purpose": "professional"})
    assert response.status_code == 302
    assert response["Location"] == "/communities/python-guild/"
    assert Community.objects.get(slug="python-guild").created_by == employee


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"visibility": "hidden", "access": "free"},
            "access",
            "A hidden community cannot be free",
        ),
        (
            {"visibility": "hidden", "access": "open"},
            "audience",
            "A hidden open community needs an audience",
        ),
        ({"slug": "new"}, "slug", "This address is reserved"),
        ({"slug": "taken"}, "slug", "already exists"),
    ],
)
def test_create_page_refuses_bad_combinations_with_a_clear_message(
    client, employee, data, field, message
):
    CommunityFactory(slug="taken")
    client.force_login(employee)
    before = snapshot()
    response = client.post("/communities/new/", {**OPEN, "purpose": "professional", **data})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert snapshot() == before


def test_services_and_database_refuse_hidden_free_too(manager):
    with pytest.raises(ValidationError, match="cannot be free"):
        services.community_create(
            actor=manager, data={**OPEN, "visibility": "hidden", "access": "free"}
        )
    with pytest.raises(ValidationError, match="needs an audience"):
        services.community_create(actor=manager, data={**OPEN, "visibility": "hidden"})
    with pytest.raises(IntegrityError):
        Community.objects.create(name="X", slug="x", visibility="hidden", access="free")


def test_hidden_open_with_an_audience_is_accepted(manager):
    group = Group.objects.create(name="Legal")
    community = services.community_create(
        actor=manager, data={**OPEN, "visibility": "hidden"}, audience=[group]
    )
    assert list(community.audience.all()) == [group]


def test_externals_and_newcomers_cannot_create(external):
    newcomer = UserFactory(accepted_charter=False)
    with pytest.raises(PermissionDenied):
        services.community_create(actor=external, data=OPEN)
    with pytest.raises(PermissionDenied, match="charter"):
        services.community_create(actor=newcomer, data=OPEN)
    assert not Community.objects.exists()


# Open: request, approve, reject, cancel ---------------------------------------------


def test_request_then_approve_makes_a_member(client, manager, open_community, employee):
    client.force_login(employee)
    client.post("/communities/python-guild/request/", {"message": "Hello!"})
    membership = Membership.objects.get(community=open_community, user=employee)
    assert (membership.status, membership.message) == ("requested", "Hello!")
    client.force_login(manager)
    page = client.get("/communities/python-guild/members/").content.decode()
    assert "Hello!" in page
    response = client.post(f"/communities/python-guild/members/{membership.pk}/approve/")
    assert response.status_code == 302
    membership.refresh_from_db()
    open_community.refresh_from_db()
    assert membership.status == "active"
    assert open_community.members_count == 2
    assert actions()[-2:] == ["membership.requested", "membership.approved"]
    client.force_login(employee)
    page = client.get("/communities/", {"mine": "on"}).content.decode()
    assert "Python guild" in page


def test_approving_twice_is_refused_and_changes_nothing(client, manager, open_community, employee):
    membership = memberships.membership_request(actor=employee, community=open_community)
    memberships.membership_approve(actor=manager, membership=membership)
    before = snapshot()
    client.force_login(manager)
    response = client.post(
        f"/communities/python-guild/members/{membership.pk}/approve/", follow=True
    )
    assert "This request was already decided." in response.content.decode()
    assert snapshot() == before
    open_community.refresh_from_db()
    assert open_community.members_count == 2


def test_reject_tells_the_reason_and_the_person_may_ask_again(
    client, manager, open_community, employee
):
    membership = memberships.membership_request(actor=employee, community=open_community)
    memberships.membership_reject(actor=manager, membership=membership, reason="Staff only")
    client.force_login(employee)
    page = client.get("/communities/python-guild/").content.decode()
    assert "Your request to join was rejected." in page and "Staff only" in page
    assert community_rules.can_request(employee, open_community)


def test_requester_cancels(client, open_community, employee):
    memberships.membership_request(actor=employee, community=open_community)
    client.force_login(employee)
    client.post("/communities/python-guild/cancel/")
    assert not Membership.objects.filter(user=employee).exists()
    assert actions()[-1] == "membership.request_cancelled"


def test_asking_twice_is_refused(open_community, employee):
    memberships.membership_request(actor=employee, community=open_community)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        memberships.membership_request(actor=employee, community=open_community)
    assert snapshot() == before


def test_forged_manager_actions_by_a_member_are_refused(client, open_community, employee):
    other = UserFactory()
    pending = memberships.membership_request(actor=other, community=open_community)
    MembershipFactory(community=open_community, user=employee)
    client.force_login(employee)
    before = snapshot()
    for verb in ("approve", "reject", "remove", "ban", "role"):
        url = f"/communities/python-guild/members/{pending.pk}/{verb}/"
        assert client.post(url, {"role": "manager"}).status_code == 403, verb
    assert client.post("/communities/python-guild/invite/", {"email": other.email}).status_code
    assert snapshot() == before


# Free: join ---------------------------------------------------------------------------


def test_join_a_free_community_subscribes(client, manager, employee):
    community = services.community_create(actor=manager, data={**OPEN, "access": "free"})
    client.force_login(employee)
    client.post("/communities/python-guild/join/")
    community.refresh_from_db()
    assert community.members_count == 2
    assert Membership.objects.get(user=employee).status == "active"
    before = snapshot()
    assert client.post("/communities/python-guild/join/").status_code == 403
    assert snapshot() == before


# Closed: invitations ------------------------------------------------------------------


def test_invite_accept(client, manager, closed_community, employee):
    client.force_login(manager)
    client.post("/communities/atlas/invite/", {"email": employee.email})
    membership = Membership.objects.get(user=employee)
    assert membership.status == "invited" and membership.invited_by == manager
    client.force_login(employee)
    assert "invited you to join" in client.get("/communities/atlas/").content.decode()
    client.post("/communities/atlas/accept/")
    membership.refresh_from_db()
    assert membership.status == "active"
    closed_community.refresh_from_db()
    assert closed_community.members_count == 2


def test_invite_decline(manager, closed_community, employee):
    invitations.membership_invite(actor=manager, community=closed_community, user=employee)
    invitations.invitation_decline(actor=employee, community=closed_community)
    assert Membership.objects.get(user=employee).status == "declined"


def test_inviting_a_member_is_refused(client, manager, closed_community, employee):
    MembershipFactory(community=closed_community, user=employee)
    client.force_login(manager)
    before = snapshot()
    response = client.post("/communities/atlas/invite/", {"email": employee.email}, follow=True)
    assert "is already a member of this community." in response.content.decode()
    assert snapshot() == before


def test_inviting_an_unknown_address_is_refused(client, manager, closed_community):
    client.force_login(manager)
    before = snapshot()
    response = client.post("/communities/atlas/invite/", {"email": "x@nowhere.org"}, follow=True)
    assert "Nobody has an account with this address" in response.content.decode()
    assert snapshot() == before


def test_an_expired_invitation_is_refused(manager, closed_community, employee, settings):
    settings.COMMUNITY_INVITATION_DAYS = 14
    invitations.membership_invite(actor=manager, community=closed_community, user=employee)
    before = snapshot()
    with (
        time_machine.travel(timezone.now() + timedelta(days=15)),
        pytest.raises(ValidationError, match="This invitation has expired"),
    ):
        invitations.invitation_accept(actor=employee, community=closed_community)
    assert snapshot() == before


def test_an_expired_invitation_no_longer_reveals_a_hidden_community(manager, employee):
    group = Group.objects.create(name="Board")
    hidden = services.community_create(
        actor=manager, data={**OPEN, "visibility": "hidden", "access": "closed"}, audience=[group]
    )
    invitations.membership_invite(actor=manager, community=hidden, user=employee)
    assert community_rules.is_discoverable_by(employee, hidden)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert not community_rules.is_discoverable_by(employee, hidden)


def test_externals_only_into_closed_communities(manager, open_community, closed_community):
    partner = ExternalFactory()
    with pytest.raises(ValidationError, match="only be invited into closed"):
        invitations.membership_invite(actor=manager, community=open_community, user=partner)
    invitations.membership_invite(actor=manager, community=closed_community, user=partner)
    invitations.invitation_accept(actor=partner, community=closed_community)
    assert list(community_rules.communities_discoverable_by(partner)) == [closed_community]
    # An external member now sees the people of their community, and nobody else.
    assert set(users_visible_to(partner)) == {partner, partner.sponsor, manager}


# Leaving, removing, banning, roles ----------------------------------------------------


def test_the_last_manager_cannot_leave_or_be_demoted(client, manager, open_community):
    membership = Membership.objects.get(user=manager)
    client.force_login(manager)
    before = snapshot()
    response = client.post("/communities/python-guild/leave/", follow=True)
    assert "always keeps at least one manager" in response.content.decode()
    response = client.post(
        f"/communities/python-guild/members/{membership.pk}/role/", {"role": "member"}, follow=True
    )
    assert "always keeps at least one manager" in response.content.decode()
    assert snapshot() == before
    assert manager.has_perm("communities.manage_community", open_community)


def test_promote_then_the_former_manager_may_leave(manager, open_community, employee):
    other = MembershipFactory(community=open_community, user=employee)
    memberships.membership_set_role(actor=manager, membership=other, role="manager")
    assert employee.has_perm("communities.manage_community", open_community)
    memberships.membership_leave(actor=manager, community=open_community)
    assert not manager.has_perm("communities.manage_community", open_community)
    open_community.refresh_from_db()
    assert open_community.members_count == 1
    assert "permission.revoked" in actions()


def test_banned_cannot_request_again_until_unbanned(manager, open_community, employee):
    membership = MembershipFactory(community=open_community, user=employee)
    memberships.membership_ban(actor=manager, membership=membership, reason="Spam")
    open_community.refresh_from_db()
    assert open_community.members_count == 1
    with pytest.raises(PermissionDenied):
        memberships.membership_request(actor=employee, community=open_community)
    memberships.membership_unban(actor=manager, membership=membership)
    memberships.membership_request(actor=employee, community=open_community)


def test_remove_a_member(manager, open_community, employee):
    membership = MembershipFactory(community=open_community, user=employee)
    memberships.membership_remove(actor=manager, membership=membership)
    membership.refresh_from_db()
    assert membership.status == "removed"
    with pytest.raises(ValidationError, match="not a member any more"):
        memberships.membership_remove(actor=manager, membership=membership)


def test_managers_edit_their_community(client, manager, open_community, employee):
    client.force_login(manager)
    assert client.get("/communities/python-guild/edit/").status_code == 200
    response = client.post(
        "/communities/python-guild/edit/",
        {**OPEN, "purpose": "leisure", "description": "Now with snakes."},
    )
    assert response.status_code == 302
    open_community.refresh_from_db()
    assert (open_community.purpose, open_community.description) == ("leisure", "Now with snakes.")
    assert actions()[-1] == "community.updated"
    before = snapshot()
    response = client.post(
        "/communities/python-guild/edit/",
        {**OPEN, "purpose": "leisure", "visibility": "hidden", "access": "free"},
    )
    assert response.status_code == 400
    assert "cannot be free" in response.content.decode()
    assert snapshot() == before
    MembershipFactory(community=open_community, user=employee)
    before = snapshot()
    client.force_login(employee)
    assert client.get("/communities/python-guild/edit/").status_code == 403
    assert client.post("/communities/python-guild/edit/", {**OPEN}).status_code == 403
    assert client.post("/communities/python-guild/archive/").status_code == 403
    assert snapshot() == before


def test_a_manager_archives_from_the_page(client, manager, open_community):
    client.force_login(manager)
    response = client.post("/communities/python-guild/archive/", follow=True)
    assert "This community is archived: it is read-only." in response.content.decode()
    open_community.refresh_from_db()
    assert open_community.is_archived


# Archiving -----------------------------------------------------------------------------


def test_archived_is_read_only_and_only_admins_restore(manager, open_community, admin_user):
    services.community_archive(actor=manager, community=open_community)
    assert not community_rules.can_post(manager, open_community)
    with pytest.raises(PermissionDenied):
        services.community_restore(actor=manager, community=open_community)
    services.community_restore(actor=admin_user, community=open_community)
    assert open_community.state == "active"
    assert actions()[-2:] == ["community.archived", "community.restored"]


def test_admin_archive_action(client, admin_user, open_community):
    client.force_login(admin_user)
    response = client.post(
        "/admin/communities/community/",
        {"action": "archive", "_selected_action": [open_community.pk]},
    )
    assert response.status_code == 302
    open_community.refresh_from_db()
    assert open_community.is_archived


def test_admin_creates_and_edits_through_the_services(client, admin_user):
    group = Group.objects.create(name="Board")
    client.force_login(admin_user)
    form = {
        "name": "Board",
        "slug": "board",
        "description": "",
        "purpose": "professional",
        "access": "closed",
        "visibility": "hidden",
        "audience": [group.pk],
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = client.post("/admin/communities/community/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    community = Community.objects.get(slug="board")
    assert list(community.audience.all()) == [group]
    assert community.members_count == 1
    response = client.post(
        f"/admin/communities/community/{community.pk}/change/", {**form, "access": "free"}
    )
    assert response.status_code == 200
    assert "cannot be free" in response.content.decode()
    response = client.post(
        f"/admin/communities/community/{community.pk}/change/",
        {**form, "access": "open", "audience": []},
    )
    assert "needs an audience" in response.content.decode()
    community.refresh_from_db()
    assert community.access == "closed"
    # An administrator holds every right already: no object permission to add.
    assert actions()[-1] == "community.created"
    assert Membership.objects.get(community=community).role == "manager"


def test_admin_pages_open(client, admin_user, open_community):
    client.force_login(admin_user)
    for url in (
        "/admin/communities/community/",
        f"/admin/communities/community/{open_community.pk}/change/",
        f"/admin/communities/community/{open_community.pk}/permissions/",
        "/admin/communities/membership/",
    ):
        assert client.get(url).status_code == 200, url


# Query counts ----------------------------------------------------------------------------


def _populate(count: int):
    for i in range(count):
        community = CommunityFactory(access=["free", "open", "closed"][i % 3])
        for _ in range(3):
            MembershipFactory(community=community)
        MembershipFactory(community=community, role="manager")


def test_directory_queries_do_not_grow(client, employee, django_assert_max_num_queries):
    _populate(3)
    client.force_login(employee)
    with django_assert_max_num_queries(8) as few:
        client.get("/communities/")
    _populate(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/communities/")
    assert response.context["page"].paginator.count == 15


def test_community_pages_queries_do_not_grow(client, django_assert_max_num_queries):
    community = CommunityFactory()
    owner = MembershipFactory(community=community, role="manager").user
    for _ in range(3):
        MembershipFactory(community=community)
        MembershipFactory(community=community, status="requested")
    client.force_login(owner)
    urls = [f"/communities/{community.slug}/", f"/communities/{community.slug}/members/"]
    counts = []
    for url in urls:
        # 23: the unread notifications counter of the navigation, the open-cases
        # counter (the manager moderates), and may_post asks whether they are muted.
        with django_assert_max_num_queries(23) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    for _ in range(10):
        MembershipFactory(community=community)
        MembershipFactory(community=community, status="requested")
        MembershipFactory(community=community, role="manager")
    for url, count in zip(urls, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_a_profile_lists_only_the_communities_the_viewer_may_discover(client, employee):
    person = UserFactory()
    visible = CommunityFactory(name="Runners")
    hidden = CommunityFactory(name="Secret board", access="closed", visibility="hidden")
    MembershipFactory(community=visible, user=person)
    MembershipFactory(community=hidden, user=person)
    client.force_login(employee)
    page = client.get(f"/people/{person.username}/").content.decode()
    assert "Runners" in page and "Secret board" not in page
    MembershipFactory(community=hidden, user=employee)
    page = client.get(f"/people/{person.username}/").content.decode()
    assert "Secret board" in page


def test_a_newcomer_must_accept_the_charter_before_joining_or_asking(manager, open_community):
    newcomer = UserFactory(accepted_charter=False)
    free = services.community_create(
        actor=manager, data={**OPEN, "name": "News", "slug": "news", "access": "free"}
    )
    before = snapshot()
    with pytest.raises(PermissionDenied, match="charter"):
        memberships.membership_join(actor=newcomer, community=free)
    with pytest.raises(PermissionDenied, match="charter"):
        memberships.membership_request(actor=newcomer, community=open_community)
    assert not community_rules.can_post(newcomer, free)
    assert snapshot() == before
