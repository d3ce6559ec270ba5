"""Posting rate limits: spam and runaway scripts, per person and per community.

Counted from the rows themselves (posts and comments of the last period), so the
limits hold across every web worker and need neither Redis nor a counter that could
drift; the author and community indexes make each count a short range scan. Limits are
`amount/period` settings (period in s, m, h or d; empty: no limit):

- RSE_POSTS_PER_PERSON and RSE_COMMENTS_PER_PERSON: what one person publishes,
  everywhere together;
- RSE_POSTS_PER_COMMUNITY: posts in one community from everyone together.

Site moderators are exempt from all of them; a community's managers and moderators
from the limits inside their community (they post announcements and answer floods).
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access import moderation as moderation_rules
from communities.models import Community
from profiles.models import User

from .models import Comment, Post

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    amount: int
    period: timedelta


def parse_rate(value: str, name: str) -> Rate | None:
    """'10/m', '30/h', '5/10m' → Rate; '' → None (no limit)."""
    if not (value or "").strip():
        return None
    match = _RATE.match(value)
    if not match:
        raise ImproperlyConfigured(f"{name}: expected amount/period such as 10/m, got {value!r}")
    amount, count, unit = match.groups()
    return Rate(int(amount), timedelta(seconds=int(count or 1) * _UNIT[unit]))


def _minutes(period: timedelta) -> int:
    return max(1, round(period.total_seconds() / 60))


def _refuse(message: str, rate: Rate) -> None:
    minutes = _minutes(rate.period)
    raise ValidationError(
        message
        % {
            "amount": rate.amount,
            "period": ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes},
        }
    )


def _exempt(actor: User, community: Community | None) -> bool:
    """Site moderators everywhere; managers and moderators in their community."""
    return moderation_rules.can_moderate_in(actor, community)


def ensure_may_post(*, actor: User, community: Community | None) -> None:
    """Raise ValidationError (a message saying how long to wait) when publishing one
    more post now would exceed a limit."""
    if _exempt(actor, community):
        return
    now = timezone.now()
    rate = parse_rate(settings.RSE_POSTS_PER_PERSON, "RSE_POSTS_PER_PERSON")
    if rate and Post.objects.filter(author=actor, created_at__gte=now - rate.period).count() >= (
        rate.amount
    ):
        _refuse(
            _(
                "You have published %(amount)d posts in the last %(period)s, the most allowed. "
                "Please wait a little before publishing again; your text is kept below."
            ),
            rate,
        )
    rate = parse_rate(settings.RSE_POSTS_PER_COMMUNITY, "RSE_POSTS_PER_COMMUNITY")
    if (
        rate
        and community is not None
        and Post.objects.filter(community=community, created_at__gte=now - rate.period).count()
        >= rate.amount
    ):
        _refuse(
            _(
                "This community received %(amount)d posts in the last %(period)s, the most "
                "allowed. Please wait a little before publishing here; your text is kept below."
            ),
            rate,
        )


def ensure_may_comment(*, actor: User, community: Community | None) -> None:
    """Raise ValidationError when one more comment now would exceed the person's limit."""
    if _exempt(actor, community):
        return
    rate = parse_rate(settings.RSE_COMMENTS_PER_PERSON, "RSE_COMMENTS_PER_PERSON")
    since = timezone.now() - rate.period if rate else None
    if rate and Comment.objects.filter(author=actor, created_at__gte=since).count() >= rate.amount:
        _refuse(
            _(
                "You have written %(amount)d comments in the last %(period)s, the most "
                "allowed. Please wait a little before commenting again; your text is kept below."
            ),
            rate,
        )
