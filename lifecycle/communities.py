"""Inactive communities: flagged dormant, managers asked, then archived.

A community with no activity for COMMUNITY_INACTIVE_DAYS becomes dormant and its
managers are asked (in the app, and by e-mail through the notifications) to keep it
active or archive it; they are reminded COMMUNITY_DORMANT_REMINDER_DAYS before the
end of COMMUNITY_DORMANT_GRACE_DAYS, when it is archived unless activity or a manager
brought it back (`communities.services.record_activity` / `community_keep_active`).
Permanent communities are never flagged.
"""

from datetime import datetime, timedelta

from django.conf import settings

from communities.events import community_archived
from communities.models import Community
from communities.selectors import managers_of
from notifications.models import Kind
from notifications.services import notify

from .jobs import (
    JobReport,
    ReminderKey,
    claim_reminder,
    in_batches,
    record,
    register,
    reminder_sent,
)

JOB = "communities_dormant"
TOPIC = "community.dormant"
State = Community.State


def _grace() -> timedelta:
    return timedelta(days=settings.COMMUNITY_DORMANT_GRACE_DAYS)


def archive_on(community: Community) -> datetime | None:
    """When a dormant community will be archived if nobody answers."""
    if community.dormant_since is None:
        return None
    return community.dormant_since + _grace()


def _tell_managers(community: Community, event: str, **data) -> int:
    sent = 0
    for membership in managers_of(community):
        if notify(
            recipient=membership.user,
            kind=Kind.COMMUNITY_LIFECYCLE,
            community=community,
            data={"event": event, **data},
        ):
            sent += 1
    return sent


@register(
    JOB,
    "Flag communities inactive for COMMUNITY_INACTIVE_DAYS as dormant, remind their "
    "managers, archive them after COMMUNITY_DORMANT_GRACE_DAYS.",
)
def communities_dormant(report: JobReport, *, now: datetime, dry_run: bool) -> None:
    grace = _grace()
    # Made permanent by an admin while dormant: the question no longer stands.
    exempted = Community.objects.filter(state=State.DORMANT, is_permanent=True)
    in_batches(exempted, lambda pk: _exempt(pk, report, now, dry_run), dry_run=dry_run)
    ending = Community.objects.filter(
        state=State.DORMANT, is_permanent=False, dormant_since__lte=now - grace
    )
    in_batches(ending, lambda pk: _archive(pk, report, now, dry_run), dry_run=dry_run)
    waiting = Community.objects.filter(
        state=State.DORMANT, is_permanent=False, dormant_since__gt=now - grace
    )
    in_batches(waiting, lambda pk: _remind(pk, report, now, dry_run), dry_run=dry_run)
    cutoff = now - timedelta(days=settings.COMMUNITY_INACTIVE_DAYS)
    stale = Community.objects.filter(
        state=State.ACTIVE, is_permanent=False, last_activity_at__lte=cutoff
    )
    in_batches(stale, lambda pk: _flag(pk, report, now, cutoff, dry_run), dry_run=dry_run)


def _flag(pk: int, report: JobReport, now: datetime, cutoff: datetime, dry_run: bool) -> None:
    community = Community.objects.get(pk=pk)
    if dry_run:
        report.add("flagged", f"would flag “{community}” dormant")
        return
    updated = Community.objects.filter(
        pk=pk, state=State.ACTIVE, is_permanent=False, last_activity_at__lte=cutoff
    ).update(state=State.DORMANT, dormant_since=now)
    if not updated:  # activity meanwhile, or another worker was quicker
        return
    community.refresh_from_db()
    until = archive_on(community)
    assert until is not None
    record(
        JOB,
        "community.dormant",
        target=community,
        data={
            "last_activity_at": community.last_activity_at.isoformat(),
            "archive_on": until.date().isoformat(),
        },
    )
    _tell_managers(
        community,
        "dormant",
        archive_on=until.date().isoformat(),
        inactive_days=settings.COMMUNITY_INACTIVE_DAYS,
    )
    report.add("flagged", f"flagged “{community}” dormant")


def _due_step(community: Community, now: datetime) -> int | None:
    """The latest reminder due now (days before archiving), if any. Reminders that would
    fall on or before the flagging itself are skipped: the flagging notice says it all."""
    until = archive_on(community)
    assert until is not None and community.dormant_since is not None
    due = [
        days
        for days in settings.COMMUNITY_DORMANT_REMINDER_DAYS
        if community.dormant_since < until - timedelta(days=days) <= now
    ]
    return min(due) if due else None


def _remind(pk: int, report: JobReport, now: datetime, dry_run: bool) -> None:
    query = Community.objects.filter(pk=pk, state=State.DORMANT, is_permanent=False)
    if not dry_run:
        query = query.select_for_update(skip_locked=True)
    community = query.first()
    if community is None or community.dormant_since is None:
        return
    step = _due_step(community, now)
    if step is None:
        return
    key = ReminderKey(
        topic=TOPIC,
        object_id=pk,
        cycle=community.dormant_since.isoformat(),
        step=f"{step}d",
    )
    if dry_run:
        if not reminder_sent(key):
            report.add("reminded", f"would remind the managers of “{community}” ({step} d)")
        return
    if not claim_reminder(key):
        return
    until = archive_on(community)
    assert until is not None
    record(JOB, "community.dormant_reminded", target=community, data={"days_before": step})
    _tell_managers(
        community, "dormant_reminder", archive_on=until.date().isoformat(), days_left=step
    )
    report.add("reminded", f"reminded the managers of “{community}” ({step} d)")


def _archive(pk: int, report: JobReport, now: datetime, dry_run: bool) -> None:
    community = Community.objects.get(pk=pk)
    if dry_run:
        report.add("archived", f"would archive “{community}”")
        return
    updated = Community.objects.filter(
        pk=pk, state=State.DORMANT, is_permanent=False, dormant_since__lte=now - _grace()
    ).update(state=State.ARCHIVED)
    if not updated:
        return
    record(
        JOB,
        "community.archived",
        target=community,
        data={"reason": "inactivity", "dormant_since": str(community.dormant_since)},
    )
    community_archived.send(sender=Community, community=community)
    community.refresh_from_db()
    _tell_managers(community, "archived")
    report.add("archived", f"archived “{community}”")


def _exempt(pk: int, report: JobReport, now: datetime, dry_run: bool) -> None:
    community = Community.objects.get(pk=pk)
    if dry_run:
        report.add("exempted", f"would make the permanent “{community}” active again")
        return
    updated = Community.objects.filter(pk=pk, state=State.DORMANT, is_permanent=True).update(
        state=State.ACTIVE, dormant_since=None, last_activity_at=now
    )
    if not updated:
        return
    record(JOB, "community.reactivated", target=community, data={"by": "permanent"})
    report.add("exempted", f"made the permanent “{community}” active again")
