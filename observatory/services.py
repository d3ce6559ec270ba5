"""Writes of the observatory: counting a reading (from the pages, through
`core.readings`), and recording each access to the dashboards and each export."""

from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit import services as audit

from .models import Presence, Reading


def token(scope: str, user_id: int) -> str:
    """A keyed hash of a person's id for one day or one period: the same person gives
    the same token within the scope, and tokens of two scopes cannot be matched without
    the key (SECRET_KEY). The observatory never stores an id."""
    return salted_hmac("observatory.token", f"{scope}:{user_id}").hexdigest()[:32]


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """A local day (TIME_ZONE), from local midnight to local midnight."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return start, end


def _seconds_left_today(now: datetime) -> int:
    local = timezone.localtime(now)
    tomorrow = timezone.make_aware(datetime.combine(local.date() + timedelta(days=1), time.min))
    return max(60, int((tomorrow - local).total_seconds()) + 60)


def reading_record(*, user, community_id: int | None) -> None:
    """Count that `user` read the community (or, with None, the network) today.

    Once per person, community and day: the cache remembers what was written today
    (its keys hold the daily token, never an id, and expire at midnight), so a page
    opened again costs no query; a second write would do nothing anyway.
    """
    if not (user is not None and user.is_authenticated and user.is_active):
        return
    now = timezone.now()
    day = timezone.localdate(now)
    daily = token(day.isoformat(), user.pk)
    key = f"observatory:read:{day}:{community_id or 0}:{daily}"
    if not cache.add(key, 1, timeout=_seconds_left_today(now)):
        return
    Reading.objects.bulk_create(
        [
            Reading(
                day=day,
                community_id=community_id or 0,
                token=daily,
                department=user.department[:150],
                site=user.site[:150],
            )
        ],
        ignore_conflicts=True,
    )
    if cache.add(f"observatory:present:{day}:{daily}", 1, timeout=_seconds_left_today(now)):
        presence_add([user.pk], day, Presence.Level.READ)


def presence_add(user_ids, day: date, level: int, periods: list[str] | None = None) -> None:
    """The people `user_ids` were active in the week and the month of `day` (or only in
    `periods`), at least at `level` (a level only goes up)."""
    rows = []
    for period in periods if periods is not None else [week_of(day), month_of(day)]:
        tokens = [token(period, pk) for pk in user_ids]
        if tokens and level > Presence.Level.READ:
            Presence.objects.filter(period=period, token__in=tokens, level__lt=level).update(
                level=level
            )
        rows += [Presence(period=period, token=t, level=level) for t in tokens]
    if rows:
        Presence.objects.bulk_create(rows, ignore_conflicts=True)


def access_record(*, viewer, request, scope: str, community=None, period: dict) -> None:
    """An opening of a dashboard (`scope`: network or community), audited."""
    audit.record(
        "observatory.viewed",
        actor=viewer.user,
        target=community,
        request=request,
        data={"scope": scope, **period},
    )


def export_record(*, viewer, request, scope: str, table: str, community=None, period: dict):
    """A CSV export of one table of a dashboard, audited."""
    audit.record(
        "observatory.exported",
        actor=viewer.user,
        target=community,
        request=request,
        data={"scope": scope, "table": table, **period},
    )
