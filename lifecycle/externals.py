"""External members: periodic re-confirmation, contract end, sponsors who left.

Every external re-confirms every EXTERNAL_RECONFIRM_DAYS (from their last
re-confirmation, or their arrival), within EXTERNAL_RECONFIRM_GRACE_DAYS: they and
their sponsor are reminded when the window opens and the day before it closes; past
it, or past `access_expires_at` (contract end), the account is suspended.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from communities.models import Membership
from communities.selectors import managers_of
from notifications.models import Kind, Notification
from notifications.services import notify
from profiles.models import User

from . import services
from .jobs import (
    JobReport,
    ReminderKey,
    claim_reminder,
    in_batches,
    record,
    register,
    reminder_sent,
)

JOB = "externals"
TOPIC = "external.reconfirm"
SPONSOR_TOPIC = "external.sponsor"


def _externals():
    return User.objects.filter(kind=User.Kind.EXTERNAL, is_active=True).annotate(
        period_start=Coalesce(F("reconfirmed_at"), F("date_joined"))
    )


@register(
    JOB,
    "Remind externals to re-confirm every EXTERNAL_RECONFIRM_DAYS, suspend the lapsed and "
    "those past their contract end, ask managers to re-sponsor externals whose sponsor left.",
)
def externals(report: JobReport, *, now: datetime, dry_run: bool) -> None:
    period = timedelta(days=settings.EXTERNAL_RECONFIRM_DAYS)
    grace = timedelta(days=settings.EXTERNAL_RECONFIRM_GRACE_DAYS)
    ended = _externals().filter(access_expires_at__lte=now)
    in_batches(
        ended, lambda pk: _suspend(pk, "contract_ended", report, now, dry_run), dry_run=dry_run
    )
    lapsed = _externals().filter(period_start__lte=now - period - grace)
    lapsed = lapsed.exclude(access_expires_at__lte=now)  # said once, in a dry run too
    in_batches(lapsed, lambda pk: _suspend(pk, "lapsed", report, now, dry_run), dry_run=dry_run)
    due = _externals().filter(period_start__lte=now - period)
    in_batches(due, lambda pk: _remind(pk, report, now, dry_run), dry_run=dry_run)
    orphans = _externals().filter(Q(sponsor__isnull=True) | Q(sponsor__is_active=False))
    in_batches(orphans, lambda pk: _ask_sponsor(pk, report, dry_run), dry_run=dry_run)


def _suspend(pk: int, reason: str, report: JobReport, now: datetime, dry_run: bool) -> None:
    user = User.objects.select_related("sponsor").get(pk=pk)
    if dry_run:
        report.add("suspended", f"would suspend {user} ({reason})")
        return
    still = _externals().filter(pk=pk)
    if reason == "contract_ended":
        still = still.filter(access_expires_at__lte=now)
    else:
        still = still.filter(
            period_start__lte=now
            - timedelta(
                days=settings.EXTERNAL_RECONFIRM_DAYS + settings.EXTERNAL_RECONFIRM_GRACE_DAYS
            )
        )
    # The condition is re-checked by the UPDATE itself: two workers never both suspend.
    if not User.objects.filter(pk__in=still.values("pk"), is_active=True).update(is_active=False):
        return
    services.external_suspend(user=user, reason=reason, job=JOB)
    report.add("suspended", f"suspended {user} ({reason})")


def _remind(pk: int, report: JobReport, now: datetime, dry_run: bool) -> None:
    user = User.objects.select_related("sponsor").get(pk=pk)
    deadline = services.reconfirm_deadline(user)
    if now >= deadline:
        return
    closing = now >= deadline - timedelta(days=1)
    key = ReminderKey(
        topic=TOPIC,
        object_id=pk,
        cycle=services.reconfirm_base(user).isoformat(),
        step="closing" if closing else "opened",
    )
    if dry_run:
        if not reminder_sent(key):
            report.add("reminded", f"would remind {user} to re-confirm ({key.step})")
        return
    if not claim_reminder(key):
        return
    event = "reconfirm_closing" if closing else "reconfirm_due"
    data = {"event": event, "deadline": deadline.date().isoformat()}
    told = notify(recipient=user, kind=Kind.ACCOUNT, data=data)
    if told is not None:
        # The one-click e-mail below carries the signed link: no second e-mail about it.
        Notification.objects.filter(pk=told.pk).update(emailed_at=now)
    if user.sponsor is not None:
        notify(
            recipient=user.sponsor,
            kind=Kind.ACCOUNT,
            data={
                **data,
                "event": f"external_{event}",
                "name": user.get_full_name(),
                "username": user.username,
            },
        )
    services.reconfirm_email(user, closing=closing)
    record(
        JOB,
        "account.reconfirmation_reminded" if closing else "account.reconfirmation_due",
        target=user,
        data={"deadline": deadline.date().isoformat()},
    )
    report.add("reminded", f"reminded {user} to re-confirm ({key.step})")


def _ask_sponsor(pk: int, report: JobReport, dry_run: bool) -> None:
    user = User.objects.select_related("sponsor").get(pk=pk)
    key = ReminderKey(
        topic=SPONSOR_TOPIC,
        object_id=pk,
        cycle=str(user.sponsor_id or 0),
        step="sponsor_needed",
    )
    if dry_run:
        if not reminder_sent(key):
            report.add("re-sponsoring", f"would ask the managers of {user}'s communities")
        return
    if not claim_reminder(key):
        return
    memberships = Membership.objects.filter(
        user=user, status=Membership.Status.ACTIVE
    ).select_related("community")
    told = []
    for membership in memberships:
        for manager in managers_of(membership.community):
            if notify(
                recipient=manager.user,
                kind=Kind.ACCOUNT,
                community=membership.community,
                data={
                    "event": "sponsor_needed",
                    "name": user.get_full_name(),
                    "username": user.username,
                },
            ):
                told.append(manager.user.username)
    if not told:  # in no community any more: the administrators decide
        for admin in User.objects.filter(is_superuser=True, is_active=True):
            if notify(
                recipient=admin,
                kind=Kind.ACCOUNT,
                data={
                    "event": "sponsor_needed_admin",
                    "name": user.get_full_name(),
                    "username": user.username,
                },
            ):
                told.append(admin.username)
    record(
        JOB,
        "account.sponsor_needed",
        target=user,
        data={"former_sponsor": user.sponsor.username if user.sponsor else None, "told": told},
    )
    report.add("re-sponsoring", f"asked {len(told)} manager(s) to name a sponsor for {user}")
