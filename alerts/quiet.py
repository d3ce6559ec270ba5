"""The right to disconnect: working hours, and immediate e-mails held outside them.

Each person has working days, a start and an end time and a time zone (their own
`WorkingHours`, else RSE_WORK_*). An immediate e-mail that would leave outside them is
held (`HeldDelivery`) until the start of the next working period, when the beat job
`alerts.tasks.release_held` sends it — after checking again, like any immediate
e-mail, that the person is active, still wants it and may still see what it is about.
If the person reads it in the app meanwhile, it is still sent (the e-mail is what
they asked for). The one exception: an announcement a site administrator marked
urgent (audited when marked).
"""

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import services as notification_services

from . import push
from .models import HeldDelivery, WorkingHours

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Hours:
    time_zone: str
    start: time
    end: time
    days: str  # ISO weekdays, "12345"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


def default_hours() -> Hours:
    return Hours(
        time_zone=settings.RSE_WORK_TIME_ZONE,
        start=time.fromisoformat(settings.RSE_WORK_START),
        end=time.fromisoformat(settings.RSE_WORK_END),
        days=settings.RSE_WORK_DAYS,
    )


def hours_of(user) -> Hours | None:
    """`user`'s working hours: their own, else the defaults (None when
    RSE_QUIET_HOURS_DEFAULT is off: then nothing is held for them)."""
    row = WorkingHours.objects.filter(user=user).first()
    if row is None:
        return default_hours() if settings.RSE_QUIET_HOURS_DEFAULT else None
    return Hours(time_zone=row.time_zone, start=row.start, end=row.end, days=row.days)


def is_working_time(hours: Hours, moment: datetime) -> bool:
    local = moment.astimezone(hours.zone)
    return str(local.isoweekday()) in hours.days and hours.start <= local.time() < hours.end


def next_working_start(hours: Hours, moment: datetime) -> datetime:
    """The start of the first working period after `moment` (or `moment` itself when
    it is working time)."""
    if is_working_time(hours, moment):
        return moment
    local = moment.astimezone(hours.zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if str(day.isoweekday()) not in hours.days:
            continue
        start = datetime.combine(day, hours.start, tzinfo=hours.zone)
        if start > local:
            return start.astimezone(zoneinfo.ZoneInfo("UTC"))
    raise ValueError("no working day in the week")  # the form refuses an empty week


# Setting one's hours -------------------------------------------------------------------


def valid_time_zone(name: str) -> bool:
    return name in zoneinfo.available_timezones()


def working_hours_set(*, actor, time_zone: str, start: time, end: time, days: str) -> WorkingHours:
    """Save `actor`'s working hours; refuses an unknown time zone, an end before the
    start or no working day, and then changes nothing."""
    if not valid_time_zone(time_zone):
        raise ValidationError(_("Choose a time zone from the list (for example Europe/Paris)."))
    if start >= end:
        raise ValidationError(_("The working day must end after it starts."))
    days = "".join(sorted(set(days)))
    if not days or any(d not in "1234567" for d in days):
        raise ValidationError(_("Choose at least one working day."))
    row, _created = WorkingHours.objects.update_or_create(
        user=actor, defaults={"time_zone": time_zone, "start": start, "end": end, "days": days}
    )
    return row


# The gate and the release ----------------------------------------------------------------


def delivery_gate(notification, channel: str) -> bool:
    """Registered with `notifications.hooks`: True when the delivery may leave now;
    else it is held until the recipient's next working period."""
    if (notification.data or {}).get("urgent") is True:
        return True
    now = timezone.now()
    hours = hours_of(notification.recipient_id)
    if hours is None or is_working_time(hours, now):
        return True
    try:
        with transaction.atomic():
            HeldDelivery.objects.get_or_create(
                notification_id=notification.pk,
                channel=channel,
                defaults={"release_at": next_working_start(hours, now)},
            )
    except IntegrityError:
        pass  # held already by a concurrent call
    return False


def held_release(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Send the held e-mails and pushes whose time has come, `batch_size` at a time;
    returns how many left. Each is claimed by a conditional update (two workers never
    both send it); a refused mail is given back for the next run."""
    now = now or timezone.now()
    sent = 0
    due = HeldDelivery.objects.filter(released_at__isnull=True, release_at__lte=now)
    rows = due.order_by("release_at", "pk").values_list("pk", "notification_id", "channel")
    failed: set[int] = set()
    while batch := list(rows.exclude(pk__in=failed)[:batch_size]):
        sent += _release_batch(batch, now, failed)
    return sent


def _release_batch(batch: list[tuple[int, int, str]], now: datetime, failed: set[int]) -> int:
    sent = 0
    for pk, notification_id, channel in batch:
        if not HeldDelivery.objects.filter(pk=pk, released_at__isnull=True).update(released_at=now):
            continue
        try:
            if channel == "push":
                sent += bool(
                    push.notification_push_send(notification_id=notification_id, released=True)
                )
            elif notification_services.notification_email_send(
                notification_id=notification_id, released=True
            ):
                sent += 1
        except notification_services.TRANSIENT_MAIL_ERRORS as exc:
            logger.warning("Held e-mail %s not sent: %s", notification_id, exc)
            HeldDelivery.objects.filter(pk=pk).update(released_at=None)
            failed.add(pk)
    return sent
