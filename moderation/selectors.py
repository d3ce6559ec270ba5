"""Reads about moderation: mutes (asked by every contribution permission), the
queue, a person's history, and the measures."""

import math
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, Q, QuerySet
from django.utils import timezone

from access.roles import site_moderator_groups
from communities.models import (
    Community,
    CommunityGroupObjectPermission,
    CommunityUserObjectPermission,
)

from .models import Appeal, Case, Decision, Sanction

MODERATING_CODENAMES = ["manage_community", "moderate_community"]


def active_mutes() -> QuerySet[Sanction]:
    """Mutes in force: not lifted, and not past their end date (they end by themselves)."""
    return Sanction.objects.filter(
        kind=Sanction.Kind.MUTE, ended_at__isnull=True, ends_at__gt=timezone.now()
    )


def _moderated_community_ids(user) -> tuple[QuerySet, QuerySet]:
    """Ids of the communities where `user` holds the manager or moderator right
    (guardian, directly or through a group), as two subqueries: nothing runs here."""
    direct = CommunityUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename__in=MODERATING_CODENAMES
    ).values("content_object_id")
    by_group = CommunityGroupObjectPermission.objects.filter(
        group__user=user.pk, permission__codename__in=MODERATING_CODENAMES
    ).values("content_object_id")
    return direct, by_group


def _moderated_communities(user, field: str = "community") -> Q:
    direct, by_group = _moderated_community_ids(user)
    return Q(**{f"{field}__in": direct}) | Q(**{f"{field}__in": by_group})


def cases_handled_by(user) -> QuerySet[Case]:
    """Cases `user` may handle: their communities, or everything for site moderators;
    never cases about their own content. One query when evaluated."""
    if not (user and user.is_authenticated and user.is_active):
        return Case.objects.none()
    cases = Case.objects.exclude(author_id=user.pk)
    if user.is_superuser:
        return cases
    site_moderator = Exists(site_moderator_groups().filter(user=user.pk))
    return cases.filter(Q(site_moderator) | _moderated_communities(user))


def communities_moderated_by(user) -> QuerySet[Community]:
    """Communities where `user` is a manager or a moderator (not site-wide rights)."""
    return Community.objects.filter(_moderated_communities(user, "pk"))


def communities_managed_by(user) -> QuerySet[Community]:
    """Communities `user` manages (as `communities.permissions.can_manage`: the
    manager's right, directly or through a group; superusers: all)."""
    if user.is_superuser:
        return Community.objects.all()
    direct = CommunityUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename="manage_community"
    ).values("content_object_id")
    by_group = CommunityGroupObjectPermission.objects.filter(
        group__user=user.pk, permission__codename="manage_community"
    ).values("content_object_id")
    return Community.objects.filter(Q(pk__in=direct) | Q(pk__in=by_group))


def open_cases_count(user) -> int:
    return cases_handled_by(user).filter(status=Case.Status.OPEN).count()


def queue(user, *, community: str = "", reason: str = "", status: str = "open") -> QuerySet[Case]:
    """The queue: cases by priority (distinct reporters, severity, age), filtered."""
    cases = cases_handled_by(user)
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    if community:
        cases = cases.filter(community__slug=community)
    if reason:
        cases = cases.filter(reports__reason__number=reason).distinct()
    return cases.select_related(
        "post", "post__author", "post__community", "comment", "community", "author", "claimed_by"
    ).order_by("-reporters_count", "-severity", "opened_at", "id")


def claim_is_live(case: Case) -> bool:
    lapse = timedelta(minutes=settings.MODERATION_CLAIM_MINUTES)
    return bool(case.claimed_by_id and case.claimed_at and case.claimed_at > timezone.now() - lapse)


def recent_sanctions_of(user, *, days: int | None = None) -> QuerySet[Sanction]:
    days = days or settings.MODERATION_ESCALATION_DAYS
    since = timezone.now() - timedelta(days=days)
    return (
        Sanction.objects.filter(user=user, created_at__gte=since)
        .select_related("community", "reason")
        .order_by("-created_at", "-id")
    )


def suggested_escalation(user) -> str | None:
    """The next step on recurrence, or None: after enough warnings within the window,
    a mute; after enough mutes, a proposal of site-wide suspension."""
    kinds = list(recent_sanctions_of(user).values_list("kind", flat=True))
    threshold = settings.MODERATION_ESCALATION_WARNINGS
    if kinds.count(Sanction.Kind.MUTE) + kinds.count(Sanction.Kind.BAN) >= 2:
        return Sanction.Kind.SUSPENSION
    if kinds.count(Sanction.Kind.WARNING) >= threshold - 1:
        return Sanction.Kind.MUTE
    return None


def history_of_author(user) -> QuerySet[Case]:
    """Decided cases about `user`'s content (their moderation history)."""
    return (
        Case.objects.filter(author=user, status=Case.Status.CLOSED)
        .select_related("decision", "decision__reason", "post", "comment", "community", "appeal")
        .order_by("-decided_at", "-id")
    )


def sanctions_of(user) -> QuerySet[Sanction]:
    return (
        Sanction.objects.filter(user=user)
        .select_related("community", "reason", "appeal", "case", "case__appeal")
        .order_by("-created_at", "-id")
    )


def reports_by(user) -> QuerySet:
    from .models import Report

    return (
        Report.objects.filter(reporter=user)
        .select_related("case", "case__decision", "reason")
        .order_by("-created_at", "-id")
    )


def pending_appeals() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(status=Appeal.Status.PENDING)
        .select_related(
            "appellant",
            "case",
            "case__decision",
            "case__decision__reason",
            "case__post",
            "case__comment",
            "case__community",
            "sanction",
            "sanction__community",
            "sanction__reason",
        )
        .order_by("created_at", "id")
    )


def _percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of sorted `values`."""
    if not values:
        return None
    rank = max(1, math.ceil(fraction * len(values)))
    return values[rank - 1]


AGE_BUCKETS = [(1, "< 1 h"), (24, "1–24 h"), (72, "1–3 d"), (None, "> 3 d")]


def measures(*, days: int = 90) -> dict:
    """Time from first report to decision (median, 90th percentile) per community and
    overall, over the last `days`; open cases by age."""
    since = timezone.now() - timedelta(days=days)
    rows = Decision.objects.filter(decided_at__gte=since).values_list(
        "case__community__name", "case__opened_at", "decided_at"
    )
    per: dict[str, list[float]] = defaultdict(list)
    overall: list[float] = []
    for name, opened, decided in rows:
        hours = max((decided - opened).total_seconds(), 0) / 3600
        per[name or ""].append(hours)
        overall.append(hours)

    def summary(values: list[float]) -> dict:
        values = sorted(values)
        return {
            "count": len(values),
            "median": _percentile(values, 0.5),
            "p90": _percentile(values, 0.9),
        }

    now = timezone.now()
    buckets = [0] * len(AGE_BUCKETS)
    for opened in Case.objects.filter(status=Case.Status.OPEN).values_list("opened_at", flat=True):
        age = (now - opened).total_seconds() / 3600
        for index, (limit, _label) in enumerate(AGE_BUCKETS):
            if limit is None or age < limit:
                buckets[index] += 1
                break
    return {
        "days": days,
        "overall": summary(overall),
        "communities": sorted(
            ({"community": name, **summary(values)} for name, values in per.items()),
            key=lambda row: row["community"],
        ),
        "open_by_age": [
            {"label": label, "count": count}
            for (_limit, label), count in zip(AGE_BUCKETS, buckets, strict=True)
        ],
    }
