"""The idea box: who may propose, vote and review (role × community kind), votes once,
statuses that tell the author and the voters, merges that carry votes over once, bad
input, the sorted list and its queries."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEntry
from communities.models import Community, Membership
from ideas import services
from ideas.models import Idea, IdeaBox, Reviewer, Vote
from notifications.models import Notification
from posts.models import Post

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import UserFactory
from .ideas_factories import IdeaBoxFactory, IdeaFactory
from .posts_factories import PostFactory
from .test_posts_access_matrix import EXPECTED, ROLES, _community, _person

pytestmark = pytest.mark.django_db

KINDS = ["free", "open", "closed", "hidden", "archived"]  # ideas live in communities
CELLS = [(kind, role) for kind in KINDS for role in ROLES]
REVIEWING_ROLES = {"manager", "superuser"}  # who manage; named reviewers too (below)


@pytest.fixture
def box():
    community = CommunityFactory(access=Community.Access.FREE, slug="plant")
    IdeaBoxFactory(community=community)
    return community


def _boxed(kind):
    community = _community(kind)
    IdeaBoxFactory(community=community)
    return community


@pytest.mark.parametrize(("kind", "role"), CELLS)
def test_who_may_propose(client, kind, role):
    community = _boxed(kind)
    user = _person(role, community)
    client.force_login(user)
    client.post(
        f"/communities/{community.slug}/ideas/new/",
        {"title": "Bike racks", "body": "Near entrance B.", "tags": ""},
    )
    assert Idea.objects.filter(post__author=user).exists() is EXPECTED[kind][role]


@pytest.mark.parametrize(("kind", "role"), CELLS)
def test_who_may_vote(client, kind, role):
    community = _boxed(kind)
    idea = IdeaFactory(post=PostFactory(community=community))
    user = _person(role, community)
    client.force_login(user)
    response = client.post(f"/ideas/{idea.pk}/vote/", {"vote": "1"})
    assert response.status_code in {302, 404}
    assert Vote.objects.filter(user=user).exists() is EXPECTED[kind][role]
    idea.refresh_from_db()
    assert idea.votes_count == (1 if EXPECTED[kind][role] else 0)


@pytest.mark.parametrize(("kind", "role"), CELLS)
def test_who_may_change_the_status(client, kind, role):
    community = _boxed(kind)
    idea = IdeaFactory(post=PostFactory(community=community))
    user = _person(role, community)
    client.force_login(user)
    client.post(f"/ideas/{idea.pk}/status/", {"status": "planned"})
    idea.refresh_from_db()
    allowed = EXPECTED[kind][role] and role in REVIEWING_ROLES
    assert (idea.status == "planned") is allowed
    assert AuditEntry.objects.filter(action="ideas.status_changed").exists() is allowed


def test_a_named_reviewer_reviews_and_a_plain_member_does_not(box):
    manager, reviewer, member = UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(community=box, user=manager, role=Membership.Role.MANAGER)
    idea = IdeaFactory(post=PostFactory(community=box))
    with pytest.raises(PermissionDenied):
        services.idea_status_set(actor=member, idea=idea, status="under_review")
    services.reviewer_add(actor=manager, community=box, user=reviewer)
    assert AuditEntry.objects.filter(action="ideas.reviewer_added").exists()
    services.idea_status_set(actor=reviewer, idea=idea, status="under_review")
    idea.refresh_from_db()
    assert idea.status == "under_review"
    services.reviewer_remove(actor=manager, community=box, user=reviewer)
    with pytest.raises(PermissionDenied):
        services.idea_status_set(actor=reviewer, idea=idea, status="planned")


def test_a_community_without_a_box_takes_no_idea(client, employee):
    community = CommunityFactory(access=Community.Access.FREE)
    client.force_login(employee)
    response = client.get(f"/communities/{community.slug}/ideas/")
    assert "This community has no idea box." in response.content.decode()
    client.post(f"/communities/{community.slug}/ideas/new/", {"title": "X", "body": "Y"})
    assert not Idea.objects.exists() and not Post.objects.exists()


def test_managers_open_and_close_the_box_audited(client, employee):
    community = CommunityFactory(access=Community.Access.OPEN)
    MembershipFactory(community=community, user=employee, role=Membership.Role.MANAGER)
    client.force_login(employee)
    client.post(f"/communities/{community.slug}/ideas/team/", {"action": "enable"})
    assert IdeaBox.objects.get(community=community).enabled
    client.post(f"/communities/{community.slug}/ideas/team/", {"action": "disable"})
    assert not IdeaBox.objects.get(community=community).enabled
    ideas_entries = AuditEntry.objects.filter(action__startswith="ideas.").order_by("sequence")
    assert [e.action for e in ideas_entries] == [
        "ideas.box_enabled",
        "ideas.box_disabled",
    ]
    member = UserFactory()
    MembershipFactory(community=community, user=member)
    client.force_login(member)
    client.post(f"/communities/{community.slug}/ideas/team/", {"action": "enable"})
    assert not IdeaBox.objects.get(community=community).enabled


# --- Votes, statuses, merges ---------------------------------------------------------------


def test_voting_twice_counts_once_and_can_be_withdrawn(employee, box):
    idea = IdeaFactory(post=PostFactory(community=box))
    assert services.idea_vote(actor=employee, idea=idea, voted=True) == (True, 1)
    assert services.idea_vote(actor=employee, idea=idea, voted=True) == (True, 1)
    assert services.idea_vote(actor=employee, idea=idea, voted=False) == (False, 0)
    assert services.idea_vote(actor=employee, idea=idea, voted=False) == (False, 0)
    assert not Vote.objects.exists()


def test_a_status_change_tells_the_author_and_the_voters_once(box):
    manager, author, voters = UserFactory(), UserFactory(), [UserFactory() for _ in range(3)]
    MembershipFactory(community=box, user=manager, role=Membership.Role.MANAGER)
    idea = IdeaFactory(post=PostFactory(community=box, author=author))
    for voter in [*voters, author, manager]:
        services.idea_vote(actor=voter, idea=idea, voted=True)
    services.idea_status_set(actor=manager, idea=idea, status="planned")
    told = Notification.objects.filter(kind="idea_status")
    assert sorted(n.recipient_id for n in told) == sorted(p.pk for p in [*voters, author])
    assert {n.data["status"] for n in told} == {"planned"}


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [
        ("declined", "", "Say why the idea is declined."),
        ("declined", "  ", "Say why the idea is declined."),
        ("merged", "", "Choose a status from the list."),
        ("shipped", "", "Choose a status from the list."),
        ("declined", "x" * 1001, "The reason is too long: at most 1000 characters."),
    ],
)
def test_bad_status_input_is_refused_and_nothing_changes(client, box, status, reason, message):
    manager = UserFactory()
    MembershipFactory(community=box, user=manager, role=Membership.Role.MANAGER)
    idea = IdeaFactory(post=PostFactory(community=box))
    client.force_login(manager)
    response = client.post(
        f"/ideas/{idea.pk}/status/", {"status": status, "reason": reason}, follow=True
    )
    assert message in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == "new"
    assert not AuditEntry.objects.filter(action="ideas.status_changed").exists()
    assert not Notification.objects.filter(kind="idea_status").exists()


def test_declined_with_a_reason_shows_it_and_closes_the_votes(client, employee, box):
    manager = UserFactory()
    MembershipFactory(community=box, user=manager, role=Membership.Role.MANAGER)
    idea = IdeaFactory(post=PostFactory(community=box))
    services.idea_status_set(
        actor=manager, idea=idea, status="declined", reason="Already in the 2027 budget."
    )
    client.force_login(employee)
    page = client.get(f"/posts/{idea.pk}/").content.decode()
    assert "Declined: Already in the 2027 budget." in page
    with pytest.raises(ValidationError, match="closed"):
        services.idea_vote(actor=employee, idea=idea, voted=True)


def test_merging_carries_votes_over_once(box):
    manager = UserFactory()
    MembershipFactory(community=box, user=manager, role=Membership.Role.MANAGER)
    source = IdeaFactory(post=PostFactory(community=box))
    target = IdeaFactory(post=PostFactory(community=box))
    both, only_source, only_target = UserFactory(), UserFactory(), UserFactory()
    for person in (both, only_source):
        services.idea_vote(actor=person, idea=source, voted=True)
    for person in (both, only_target):
        services.idea_vote(actor=person, idea=target, voted=True)
    services.idea_merge(actor=manager, idea=source, into=target)
    target.refresh_from_db()
    source.refresh_from_db()
    assert target.votes_count == 3
    assert set(Vote.objects.filter(idea=target).values_list("user_id", flat=True)) == {
        both.pk,
        only_source.pk,
        only_target.pk,
    }
    assert (source.status, source.merged_into) == ("merged", target)
    assert AuditEntry.objects.get(action="ideas.merged").data["votes_carried"] == 1
    with pytest.raises(ValidationError, match="already merged"):
        services.idea_merge(actor=manager, idea=source, into=target)
    target.refresh_from_db()
    assert target.votes_count == 3


@pytest.mark.parametrize("case", ["itself", "other_box"])
def test_bad_merges_are_refused(box, case):
    manager = UserFactory()
    MembershipFactory(community=box, user=manager, role=Membership.Role.MANAGER)
    idea = IdeaFactory(post=PostFactory(community=box))
    other = IdeaFactory(post=PostFactory(community=CommunityFactory(access="free")))
    into = idea if case == "itself" else other
    message = "itself" if case == "itself" else "same idea box"
    with pytest.raises(ValidationError, match=message):
        services.idea_merge(actor=manager, idea=idea, into=into)
    idea.refresh_from_db()
    assert idea.status == "new"


def test_a_title_of_a_thousand_characters_is_refused(client, employee, box):
    client.force_login(employee)
    response = client.post(
        "/communities/plant/ideas/new/", {"title": "x" * 1000, "body": "Kept", "tags": ""}
    )
    assert response.status_code == 400
    assert "The title is too long: 1000 characters, at most 200." in response.content.decode()
    assert not Idea.objects.exists() and not Post.objects.exists()


# --- The list --------------------------------------------------------------------------------


def test_the_list_sorts_by_votes_newest_or_status(client, employee, box):
    low = IdeaFactory(post=PostFactory(community=box), title="Low")
    high = IdeaFactory(post=PostFactory(community=box), title="High")
    done = IdeaFactory(post=PostFactory(community=box), title="Shipped", status="done")
    Idea.objects.filter(pk=high.pk).update(votes_count=9)
    Idea.objects.filter(pk=low.pk).update(votes_count=1)
    client.force_login(employee)

    def order(query):
        page = client.get(f"/communities/plant/ideas/?{query}").content.decode()
        return sorted(["Low", "High", "Shipped"], key=page.index)

    assert order("sort=votes") == ["High", "Low", "Shipped"]
    assert order("sort=newest") == ["Shipped", "High", "Low"]
    assert order("sort=status") == ["High", "Low", "Shipped"]
    page = client.get("/communities/plant/ideas/?status=done").content.decode()
    assert "Shipped" in page and "Low" not in page
    assert done.pk


def test_list_queries_do_not_grow(client, box, django_assert_max_num_queries):
    reader = UserFactory()
    MembershipFactory(community=box, user=reader)

    def grow(count):
        for _ in range(count):
            idea = IdeaFactory(post=PostFactory(community=box))
            Vote.objects.create(idea=idea, user=reader)

    grow(2)
    client.force_login(reader)
    client.get("/communities/plant/ideas/")
    with django_assert_max_num_queries(16) as small:
        assert client.get("/communities/plant/ideas/").status_code == 200
    grow(15)
    with django_assert_max_num_queries(16) as large:
        assert client.get("/communities/plant/ideas/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_reviewers_must_read_the_community(box):
    closed = CommunityFactory(access=Community.Access.CLOSED)
    manager = UserFactory()
    MembershipFactory(community=closed, user=manager, role=Membership.Role.MANAGER)
    services.idea_box_set(actor=manager, community=closed, enabled=True)
    with pytest.raises(ValidationError, match="read the community"):
        services.reviewer_add(actor=manager, community=closed, user=UserFactory())
    assert not Reviewer.objects.exists()
