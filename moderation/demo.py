"""Demo moderation: a few reported posts in the demo communities and one past
sanction, so the queue is not empty on first start. Idempotent: reported items and
the sanction are found again by their text, and reports are made once per person."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from charter.selectors import report_reasons
from communities.demo import _accept_charter
from communities.models import Community, Membership
from posts import services as posts_services
from posts.models import Post
from profiles.demo import demo_people

from . import services
from .models import Report, Sanction

# community slug: [(post text, reason section, number of reporters)]
REPORTED = {
    "python-guild": [
        (
            "Selling my old laptop, great price, DM me! Also check my cousin's shop for "
            "cheap phones.",
            "4.10",
            1,
        ),
        (
            "FYI the new hire in our team is off sick again, apparently it is a long-term "
            "illness. Plan accordingly.",
            "4.3",
            2,
        ),
    ],
    "lean-network": [
        ("The Lyon plant figures for Q3 before the official release: -12% margin.", "4.11", 1),
    ],
}
PAST_WARNING = "Demo: please keep advertising out of professional communities."


def _members(community: Community) -> list:
    return [
        m.user
        for m in Membership.objects.filter(
            community=community,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.MEMBER,
            user__in=demo_people(),
        )
        .select_related("user")
        .order_by("user__pk")
    ]


@transaction.atomic
def seed_moderation() -> int:
    """Create what is missing; returns how many reports were created."""
    reasons = {s.number: s for s in report_reasons()}
    created = 0
    for slug, items in REPORTED.items():
        community = Community.objects.filter(slug=slug).first()
        members = _members(community) if community else []
        if community is None or len(members) < 3:
            continue
        author, *reporters = members
        for text, number, count in items:
            if number not in reasons:
                continue
            post = Post.objects.filter(community=community, body=text).first()
            if post is None:
                _accept_charter(author)
                post = posts_services.post_create(actor=author, community=community, body=text)
            for reporter in reporters[:count]:
                if Report.objects.filter(post=post, reporter=reporter).exists():
                    continue
                _accept_charter(reporter)
                services.report_create(actor=reporter, post=post, reason=reasons[number])
                created += 1
    _past_warning(reasons)
    return created


def _past_warning(reasons: dict) -> None:
    if Sanction.objects.filter(message=PAST_WARNING).exists():
        return
    community = Community.objects.filter(slug="python-guild").first()
    if community is None or "4.10" not in reasons:
        return
    members = _members(community)
    manager = (
        Membership.objects.filter(community=community, role=Membership.Role.MANAGER)
        .select_related("user")
        .first()
    )
    if not members or manager is None:
        return
    sanction = services.sanction_create(
        actor=manager.user,
        user=members[0],
        community=community,
        kind=Sanction.Kind.WARNING,
        reason=reasons["4.10"],
        message=PAST_WARNING,
    )
    Sanction.objects.filter(pk=sanction.pk).update(created_at=timezone.now() - timedelta(days=40))
