"""Demo communities for the embedded mode: one of every kind, created through the
services (so counters, rights and the audit trail are right). Safe to re-run."""

from django.contrib.auth.models import Group
from django.db import transaction

from charter.selectors import current_version
from charter.services import charter_accept
from profiles.demo import DEMO_ACTOR, demo_contributors
from profiles.models import User
from profiles.services import access_snapshot, account_record_access_change

from . import invitations, memberships, services
from .models import Community, Membership

EXECUTIVE_GROUP = "Executive committee"

# slug: (name, description, purpose, access, visibility, manager e-mail, permanent)
COMMUNITIES = {
    "internal-news": (
        "Internal communication",
        "News from the company, for everyone. Read and post without joining.",
        "professional",
        "free",
        "visible",
        "sophie.dubois@example.com",
        True,
    ),
    "python-guild": (
        "Python guild",
        "Developers sharing practices, libraries and code reviews.",
        "professional",
        "open",
        "visible",
        "thomas.bernard@example.com",
        False,
    ),
    "lean-network": (
        "Lean & continuous improvement",
        "Workshops, kaizen stories and tools from every site.",
        "professional",
        "open",
        "visible",
        "camille.martin@example.com",
        False,
    ),
    "project-atlas": (
        "Project Atlas",
        "The project team of the Atlas migration, with our partner Northwind Consulting.",
        "professional",
        "closed",
        "visible",
        "thomas.bernard@example.com",
        False,
    ),
    "executive-committee": (
        "Executive committee",
        "Preparation of the executive committee meetings.",
        "professional",
        "closed",
        "hidden",
        "admin@example.com",
        False,
    ),
    "runners": (
        "Runners",
        "Lunchtime runs, races and training plans.",
        "leisure",
        "open",
        "visible",
        "camille.martin@example.com",
        False,
    ),
    "photographers": (
        "Photographers",
        "Share your pictures and learn from each other.",
        "leisure",
        "free",
        "visible",
        "thomas.bernard@example.com",
        False,
    ),
}


def _accept_charter(user: User) -> None:
    """A demo person accepts the current charter, as they would on /charter/ (audited)."""
    version = current_version()
    if version is not None:
        charter_accept(user=user, version=version)


@transaction.atomic
def seed_communities() -> int:
    """Create the missing demo communities and memberships. Returns how many were created."""
    created = 0
    executives, _ = Group.objects.get_or_create(name=EXECUTIVE_GROUP)
    # Only the demo's own people: a real account is never made a member of anything.
    people = {u.email: u for u in demo_contributors().filter(is_active=True)}
    employees = [u for u in people.values() if u.kind == User.Kind.EMPLOYEE]
    for slug, (
        name,
        text,
        purpose,
        access,
        visibility,
        manager_email,
        permanent,
    ) in COMMUNITIES.items():
        if Community.objects.filter(slug=slug).exists():
            continue
        manager = people[manager_email]
        _accept_charter(manager)
        audience = [executives] if visibility == "hidden" else []
        community = services.community_create(
            actor=manager,
            data={
                "name": name,
                "slug": slug,
                "description": text,
                "purpose": purpose,
                "access": access,
                "visibility": visibility,
            },
            audience=audience,
            is_permanent=permanent,
        )
        created += 1
        _add_members(community, manager, employees, people)
    _plain_employee_joins(people)
    admin = people.get("admin@example.com")
    if admin is not None and not admin.groups.filter(pk=executives.pk).exists():
        before = access_snapshot(admin)
        admin.groups.add(executives)  # the audience of the hidden community: audited
        account_record_access_change(actor=None, user=admin, before=before, actor_label=DEMO_ACTOR)
    return created


def _add_members(community: Community, manager: User, employees, people) -> None:
    others = [e for e in employees if e != manager]
    if community.access == Community.Access.FREE:
        for person in others[::4]:
            _accept_charter(person)
            memberships.membership_join(actor=person, community=community)
    elif community.access == Community.Access.OPEN:
        offset = len(community.slug) % 3
        for person in others[offset::5]:
            _accept_charter(person)
            memberships.membership_request(actor=person, community=community)
            membership = Membership.objects.get(community=community, user=person)
            memberships.membership_approve(actor=manager, membership=membership)
        # One request left pending, so managers see how it looks.
        waiting = others[offset + 1]
        if not Membership.objects.filter(community=community, user=waiting).exists():
            _accept_charter(waiting)
            memberships.membership_request(
                actor=waiting, community=community, message="I would like to join."
            )
    elif community.slug == "project-atlas":
        team = [*others[1:5], people["jordan.smith@northwind.example.org"]]
        for person in team:
            _accept_charter(person)
            invitations.membership_invite(actor=manager, community=community, user=person)
            invitations.invitation_accept(actor=person, community=community)
    elif community.slug == "executive-committee":
        for person in others[2:5]:
            _accept_charter(person)
            invitations.membership_invite(actor=manager, community=community, user=person)
            invitations.invitation_accept(actor=person, community=community)


# The README's plain employee: a member of a few communities, manager of none.
PLAIN_EMPLOYEE = "nina.durand@example.com"
PLAIN_EMPLOYEE_COMMUNITIES = ["lean-network", "runners", "photographers", "project-atlas"]


def _plain_employee_joins(people: dict) -> None:
    """Make the plain employee an active member of PLAIN_EMPLOYEE_COMMUNITIES, each the
    way its access says (join, request then approval, invitation then acceptance)."""
    person = people.get(PLAIN_EMPLOYEE)
    if person is None:
        return
    for slug in PLAIN_EMPLOYEE_COMMUNITIES:
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            continue
        found = Membership.objects.filter(community=community, user=person).first()
        if found is not None and found.status == Membership.Status.ACTIVE:
            continue
        _accept_charter(person)
        manager = (
            Membership.objects.filter(
                community=community,
                status=Membership.Status.ACTIVE,
                role=Membership.Role.MANAGER,
            )
            .select_related("user")
            .first()
        )
        if manager is None:
            continue
        if community.access == Community.Access.FREE:
            memberships.membership_join(actor=person, community=community)
        elif community.access == Community.Access.OPEN:
            if found is None:
                memberships.membership_request(actor=person, community=community)
            waiting = Membership.objects.get(community=community, user=person)
            memberships.membership_approve(actor=manager.user, membership=waiting)
        else:
            if found is None:
                invitations.membership_invite(actor=manager.user, community=community, user=person)
            invitations.invitation_accept(actor=person, community=community)
