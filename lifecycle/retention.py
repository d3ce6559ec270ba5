"""Closing and purging what has expired: invitations and join requests, old read
notifications, erased profile data, audit entries past their retention."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from audit import services as audit_services
from audit.models import AuditEntry
from communities.models import Membership
from notifications.models import Notification
from profiles.models import Profile, User, UserSkill

from .jobs import JobReport, in_batches, record, register
from .models import ErasedData
from .services import ERASABLE_FIELDS

S = Membership.Status


@register(
    "memberships_expire",
    "Close invitations past their expiry date and join requests older than COMMUNITY_REQUEST_DAYS.",
)
def memberships_expire(report: JobReport, *, now: datetime, dry_run: bool) -> None:
    invitations = Membership.objects.filter(status=S.INVITED, expires_at__lte=now)
    in_batches(
        invitations,
        lambda pk: _expire(pk, S.INVITED, {"expires_at__lte": now}, report, now, dry_run),
        dry_run=dry_run,
    )
    cutoff = now - timedelta(days=settings.COMMUNITY_REQUEST_DAYS)
    requests = Membership.objects.filter(status=S.REQUESTED, created_at__lte=cutoff)
    in_batches(
        requests,
        lambda pk: _expire(pk, S.REQUESTED, {"created_at__lte": cutoff}, report, now, dry_run),
        dry_run=dry_run,
    )


def _expire(pk: int, status: str, condition: dict, report, now, dry_run: bool) -> None:
    membership = Membership.objects.select_related("user", "community").get(pk=pk)
    what = "invitation" if status == S.INVITED else "request"
    if dry_run:
        report.add(
            f"{what}s", f"would close the {what} of {membership.user} to {membership.community}"
        )
        return
    updated = Membership.objects.filter(pk=pk, status=status, **condition).update(
        status=S.EXPIRED, decided_at=now
    )
    if not updated:
        return
    record(
        "memberships_expire",
        "membership.invitation_expired" if status == S.INVITED else "membership.request_expired",
        target=membership.community,
        data={"user": membership.user.username, "membership": pk},
    )
    report.add(f"{what}s", f"closed the {what} of {membership.user} to {membership.community}")


@register(
    "notifications_purge",
    "Delete notifications read more than NOTIFICATIONS_READ_RETENTION_DAYS ago.",
)
def notifications_purge(report: JobReport, *, now: datetime, dry_run: bool) -> None:
    cutoff = now - timedelta(days=settings.NOTIFICATIONS_READ_RETENTION_DAYS)
    old = Notification.objects.filter(read_at__lte=cutoff)
    if dry_run:
        count = old.count()
        if count:
            report.counts["notifications"] = count
            report.lines.append(f"would delete {count} read notifications")
        return
    size = settings.RSE_JOB_BATCH_SIZE
    deleted = 0
    while True:
        with transaction.atomic():
            pks = list(old.order_by("pk").values_list("pk", flat=True)[:size])
            if not pks:
                break
            deleted += Notification.objects.filter(pk__in=pks, read_at__lte=cutoff).delete()[0]
    if deleted:
        record(
            "notifications_purge",
            "notifications.purged",
            data={"deleted": deleted, "read_before": cutoff.isoformat()},
        )
        report.counts["notifications"] = deleted
        report.lines.append(f"deleted {deleted} read notifications")


@register(
    "erased_data_purge",
    "Purge for good the profile data people erased, and that of closed accounts, "
    "ERASED_DATA_RETENTION_DAYS later.",
)
def erased_data_purge(report: JobReport, *, now: datetime, dry_run: bool) -> None:
    cutoff = now - timedelta(days=settings.ERASED_DATA_RETENTION_DAYS)
    due = ErasedData.objects.filter(purged_at__isnull=True, erased_at__lte=cutoff)
    in_batches(due, lambda pk: _purge_erased(pk, report, now, dry_run), dry_run=dry_run)
    # The charter applies the same period to the personal data of closed accounts.
    in_batches(
        _closed_before(cutoff), lambda pk: _purge_closed(pk, report, dry_run), dry_run=dry_run
    )


def _closed_before(cutoff: datetime):
    """Closed accounts (departures) whose closing is older than `cutoff` and whose
    profile still holds personal data. Suspended externals are not closed: not here."""
    closings = AuditEntry.objects.filter(action="account.closed", target_type="profiles.user")
    holds_data = Q(profile__photo__gt="") | Q(user_skills__isnull=False)
    for name in ERASABLE_FIELDS:
        holds_data |= Q(**{f"profile__{name}__gt": ""})
    return (
        User.objects.filter(is_active=False)
        .annotate(key=Cast("pk", CharField()))
        .filter(key__in=closings.filter(created_at__lte=cutoff).values("target_id"))
        .exclude(key__in=closings.filter(created_at__gt=cutoff).values("target_id"))
        .filter(holds_data)
        .distinct()
    )


def _purge_closed(pk: int, report: JobReport, dry_run: bool) -> None:
    user = User.objects.get(pk=pk)
    if dry_run:
        report.add("closed accounts", f"would purge the profile data of {user} (account closed)")
        return
    profile = Profile.objects.select_for_update().filter(user_id=pk).first()
    if profile is None or not User.objects.filter(pk=pk, is_active=False).exists():
        return
    fields = [name for name in ERASABLE_FIELDS if getattr(profile, name)]
    photo = profile.photo.name if profile.photo else ""
    skills = UserSkill.objects.filter(user_id=pk).delete()[0]
    if not fields and not photo and not skills:
        return
    Profile.objects.filter(pk=profile.pk).update(**dict.fromkeys(ERASABLE_FIELDS, ""), photo="")
    if photo:
        transaction.on_commit(lambda: default_storage.delete(photo))
    record(
        "erased_data_purge",
        "profile.erased_data_purged",
        target=user,
        data={
            "reason": "account_closed",
            "fields": fields + (["photo"] if photo else []) + (["skills"] if skills else []),
        },
    )
    report.add("closed accounts", f"purged the profile data of {user} (account closed)")


def _purge_erased(pk: int, report: JobReport, now: datetime, dry_run: bool) -> None:
    erased = ErasedData.objects.select_related("user").get(pk=pk)
    if dry_run:
        report.add("erased data", f"would purge what {erased.user} erased on {erased.erased_at}")
        return
    updated = ErasedData.objects.filter(pk=pk, purged_at__isnull=True).update(
        purged_at=now, values={}, photo=""
    )
    if not updated:
        return
    if erased.photo:
        photo = erased.photo
        transaction.on_commit(lambda: default_storage.delete(photo))
    record(
        "erased_data_purge",
        "profile.erased_data_purged",
        target=erased.user,
        data={"erased_at": erased.erased_at.isoformat(), "fields": sorted(erased.values)},
    )
    report.add("erased data", f"purged the data {erased.user} erased on {erased.erased_at}")


@register("audit_purge", "Delete audit entries older than AUDIT_RETENTION_DAYS (with checkpoint).")
def audit_purge(report: JobReport, *, now: datetime, dry_run: bool) -> None:
    result = audit_services.purge_expired(now=now, dry_run=dry_run, client="job")
    if result.purged:
        report.counts["audit entries"] = result.purged
        verb = "would delete" if dry_run else "deleted"
        report.lines.append(f"{verb} {result.purged} audit entries older than {result.cutoff}")
