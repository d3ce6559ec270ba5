"""Writes of the API app: personal access tokens, created and revoked by their owner."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access.moderation import moderates_anything
from audit import services as audit
from profiles.models import User

from .models import (
    FEED_TOKEN_PREFIX,
    TOKEN_PREFIX,
    FeedToken,
    PersonalAccessToken,
    Scope,
    hash_token,
)


def _clean_scopes(scopes) -> list[str]:
    chosen = [s for s in Scope.values if s in set(scopes or [])]
    unknown = set(scopes or []) - set(Scope.values)
    if unknown or not chosen:
        raise ValidationError(
            _("Choose at least one scope among: %(scopes)s.") % {"scopes": ", ".join(Scope.values)}
        )
    return chosen


def token_create(
    *, actor: User, name: str, scopes, days: int, request=None
) -> tuple[PersonalAccessToken, str]:
    """A new personal access token for `actor`. Returns it with the token itself, which
    is shown once: only its hash is stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name (what it is for)."))
    if not 1 <= days <= settings.RSE_API_TOKEN_MAX_DAYS:
        raise ValidationError(
            _("A token lasts from 1 to %(max)d days.") % {"max": settings.RSE_API_TOKEN_MAX_DAYS}
        )
    chosen = _clean_scopes(scopes)
    if Scope.MODERATE in chosen and not moderates_anything(actor):
        raise ValidationError(_("Only moderators may give a token the moderate scope."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = PersonalAccessToken(
            user=actor,
            name=name,
            token_hash=hash_token(raw),
            token_hint=raw[: len(TOKEN_PREFIX) + 4],
            scopes=chosen,
            expires_at=timezone.now() + timedelta(days=days),
        )
        token.full_clean()
        token.save()
        audit.record(
            "api.token_created",
            actor=actor,
            target=token,
            request=request,
            data={"scopes": chosen, "expires_at": token.expires_at.isoformat()},
        )
    return token, raw


def token_revoke(*, actor: User, token: PersonalAccessToken, request=None) -> None:
    """The owner (or an administrator) revokes a token: the next request made with it is
    refused."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise ValidationError(_("This token is not yours."))
    with transaction.atomic():
        updated = PersonalAccessToken.objects.filter(pk=token.pk, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This token is already revoked."))
        audit.record(
            "api.token_revoked",
            actor=actor,
            target=token,
            request=request,
            data={"owner": token.user.username},
        )


def token_for(raw: str) -> PersonalAccessToken | None:
    """The live token this bearer string is, with its owner, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at=None, expires_at__gt=timezone.now())
        .first()
    )
    if token is None:
        return None
    # Written at most once a minute: not a write per request.
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# Feed tokens ------------------------------------------------------------------------


def feed_token_reset(*, actor: User, request=None) -> str:
    """A new feed token for `actor` (the former one, if any, stops working at once).
    Returns it: shown once, only its hash is stored."""
    raw = FEED_TOKEN_PREFIX + secrets.token_urlsafe(24)
    with transaction.atomic():
        FeedToken.objects.filter(user=actor).delete()
        token = FeedToken.objects.create(
            user=actor, token_hash=hash_token(raw), token_hint=raw[: len(FEED_TOKEN_PREFIX) + 4]
        )
        audit.record("api.feed_token_created", actor=actor, target=token, request=request)
    return raw


def feed_token_revoke(*, actor: User, request=None) -> None:
    with transaction.atomic():
        deleted, _rows = FeedToken.objects.filter(user=actor).delete()
        if not deleted:
            raise ValidationError(_("You have no feed address to revoke."))
        audit.record("api.feed_token_revoked", actor=actor, target=actor, request=request)


def feed_user_for(raw: str) -> User | None:
    """The active person whose feed token this is, or None."""
    if not raw.startswith(FEED_TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        FeedToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    return token.user if token else None
