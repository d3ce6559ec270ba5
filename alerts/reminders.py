"""Managers are reminded of a join request RSE_ALERTS_REQUEST_REMINDER_DAYS before it
expires (requests close after COMMUNITY_REQUEST_DAYS): once per request."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from communities.models import Membership
from communities.selectors import managers_of
from notifications.models import Kind
from notifications.services import notify

from .models import RequestReminder


def requests_remind(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Remind the managers of every request that expires within the reminder period and
    was not reminded yet. Returns how many requests."""
    now = now or timezone.now()
    expiry = timedelta(days=settings.COMMUNITY_REQUEST_DAYS)
    ahead = timedelta(days=settings.RSE_ALERTS_REQUEST_REMINDER_DAYS)
    due = Membership.objects.filter(
        status=Membership.Status.REQUESTED,
        created_at__lte=now - expiry + ahead,
        created_at__gt=now - expiry,
    ).exclude(pk__in=RequestReminder.objects.values("membership_id"))
    count = 0
    for membership in due.select_related("community", "user").order_by("pk"):
        count += 1
        if dry_run:
            continue
        try:
            with transaction.atomic():
                RequestReminder.objects.create(membership=membership, sent_at=now)
                expires = membership.created_at + expiry
                for manager in managers_of(membership.community):
                    notify(
                        recipient=manager.user,
                        kind=Kind.REQUEST_EXPIRING,
                        actor=membership.user,
                        community=membership.community,
                        data={
                            "url": reverse("communities:members", args=[membership.community.slug]),
                            "expires": expires.date().isoformat(),
                        },
                    )
        except IntegrityError:
            count -= 1  # reminded by a concurrent run
    return count
