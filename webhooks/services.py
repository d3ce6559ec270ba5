"""Writes about webhooks: registering, changing, rotating, disabling and deleting a
hook (each checked, audited, in one transaction), writing the deliveries of an event,
and attempting them.

An event writes one `Delivery` per interested hook inside the transaction that caused
it (the table is the outbox); once it commits, a Celery task sends each. A failed
attempt (network error, timeout, 5xx, 429) is retried after `backoff(n)` by the
periodic `deliveries_due`, up to RSE_WEBHOOKS_MAX_ATTEMPTS; a hook whose deliveries
fail RSE_WEBHOOKS_DISABLE_AFTER times in a row is disabled, its owner told. Before each
attempt the owner's access is checked again (access.webhooks): a hook whose owner may
no longer manage the community sends nothing (the delivery is logged as skipped).
"""

import json
import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access import webhooks as rules
from audit import services as audit
from communities.models import Community
from notifications.models import Kind
from notifications.services import BROKER_ERRORS, notify
from posts.models import Comment, Post
from profiles.models import User

from . import addresses, sender, signing
from .models import Attempt, Delivery, Event, Hook

logger = logging.getLogger(__name__)

D = Delivery.Status

# Hooks ------------------------------------------------------------------------------


def hook_clean(url: str, events) -> tuple[str, list[str]]:
    """The address and the events of a hook, checked (ValidationError by field)."""
    errors: dict[str, list[str]] = {}
    url = (url or "").strip()
    try:
        addresses.check_saved(url)
    except ValidationError as error:
        errors["url"] = error.messages
    chosen = [str(e) for e in (events or [])]
    if not chosen:
        errors["events"] = [_("Choose at least one event.")]
    elif any(e not in Event.values for e in chosen):
        errors["events"] = [_("Choose events from the list.")]
    if errors:
        raise ValidationError(errors)
    return url, [e for e in Event.values if e in chosen]


def _ensure_can_manage(actor, community: Community) -> None:
    if not rules.can_manage_hooks(actor, community):
        raise PermissionDenied(_("Only the community's managers may manage its webhooks."))


def hook_create(*, actor: User, community: Community, url: str, events, request=None) -> Hook:
    """Register an address for the community's events; `actor` becomes its owner. The
    secret is on the returned hook: show it once."""
    _ensure_can_manage(actor, community)
    url, events = hook_clean(url, events)
    with transaction.atomic():
        hook = Hook(
            community=community, owner=actor, url=url, events=events, secret=signing.new_secret()
        )
        hook.full_clean()
        hook.save()
        audit.record(
            "webhook.created",
            actor=actor,
            target=hook,
            request=request,
            data={"community": community.slug, "url": url, "events": events},
        )
    return hook


def hook_update(
    *, actor: User, hook: Hook, url: str, events, is_active: bool, request=None
) -> Hook:
    """Change the address, the events, or switch the hook on or off. Switching it back
    on clears its failure count."""
    _ensure_can_manage(actor, hook.community)
    url, events = hook_clean(url, events)
    with transaction.atomic():
        current = Hook.objects.select_for_update().get(pk=hook.pk)
        changes = {
            name: [getattr(current, name), value]
            for name, value in (("url", url), ("events", events), ("is_active", is_active))
            if getattr(current, name) != value
        }
        if not changes:
            return current
        current.url, current.events, current.is_active = url, events, is_active
        if "is_active" in changes:
            current.consecutive_failures = 0
            current.disabled_reason = (
                "" if is_active else _("Switched off by %(name)s.") % {"name": actor}
            )
        current.full_clean()
        current.save()
        audit.record("webhook.updated", actor=actor, target=current, request=request, data=changes)
    return current


def hook_secret_rotate(*, actor: User, hook: Hook, request=None) -> Hook:
    """A new secret, effective for the next delivery (shown once, like the first)."""
    _ensure_can_manage(actor, hook.community)
    with transaction.atomic():
        hook.secret = signing.new_secret()
        hook.save(update_fields=["secret", "updated_at"])
        audit.record("webhook.secret_rotated", actor=actor, target=hook, request=request)
    return hook


def hook_delete(*, actor: User, hook: Hook, request=None) -> None:
    """Delete the hook and its delivery log."""
    _ensure_can_manage(actor, hook.community)
    with transaction.atomic():
        audit.record(
            "webhook.deleted",
            actor=actor,
            target=hook,
            request=request,
            data={"community": hook.community.slug, "url": hook.url},
        )
        hook.delete()


def _hook_disable(*, hook: Hook, reason: str) -> None:
    """The job switches off a hook that keeps failing; its owner is told."""
    with transaction.atomic():
        updated = Hook.objects.filter(pk=hook.pk, is_active=True).update(
            is_active=False, disabled_reason=reason[:200]
        )
        if not updated:
            return
        audit.record(
            "webhook.disabled",
            target=hook,
            actor_label="webhooks",
            client="job",
            data={"url": hook.url, "failures": hook.consecutive_failures, "reason": reason},
        )
        notify(
            recipient=hook.owner,
            kind=Kind.COMMUNITY_LIFECYCLE,
            community=hook.community,
            data={"event": "webhook_disabled", "hook": hook.pk, "url": hook.url},
        )


# Events -----------------------------------------------------------------------------


def _schedule(delivery_ids: list[int]) -> None:
    """After the commit. A broker that is down does not turn the action that was just
    committed into an error: the deliveries stay pending and `deliveries_due` sends them."""
    from .tasks import deliver

    for delivery_id in delivery_ids:
        try:
            deliver.delay(delivery_id)
        except BROKER_ERRORS as exc:
            logger.warning("Webhook delivery %s left to the sweep: %s", delivery_id, exc)
            return


def event_emit(*, community_id: int, event: str, refs: dict) -> list[Delivery]:
    """Called inside the transaction of the event: one delivery per active hook of the
    community that chose this event (one query when there is none)."""
    hooks = [
        hook
        for hook in Hook.objects.filter(community_id=community_id, is_active=True)
        if event in hook.events
    ]
    if not hooks:
        return []
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(hook=hook, event=event, refs=refs, occurred_at=now, next_attempt_at=now)
            for hook in hooks
        ]
    )
    transaction.on_commit(partial(_schedule, [d.pk for d in deliveries]))
    return deliveries


# Payloads ---------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.RSE_SITE_URL.rstrip("/") + path


def _post_data(owner, post_id) -> dict | None:
    post = Post.objects.filter(pk=post_id).first() if post_id else None
    if post is None:
        return None
    data: dict = {"id": post.pk, "url": _absolute(post.get_absolute_url())}
    if rules.may_carry_post(owner, post):
        data.update(author=post.author_id, body=post.body, created_at=post.created_at.isoformat())
    return data


def _comment_data(owner, comment_id) -> dict | None:
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None:
        return None
    data: dict = {
        "id": comment.pk,
        "post": comment.post_id,
        "url": _absolute(f"{comment.post.get_absolute_url()}#comment-{comment.pk}"),
    }
    if rules.may_carry_comment(owner, comment):
        data.update(
            author=comment.author_id,
            parent=comment.parent_id,
            body=comment.body,
            created_at=comment.created_at.isoformat(),
        )
    return data


def _person_data(person_id) -> dict | None:
    person = User.objects.filter(pk=person_id).only("pk", "username").first()
    if person is None:
        return None
    return {"id": person.pk, "url": _absolute(reverse("people:detail", args=[person.username]))}


def payload(delivery: Delivery) -> dict:
    """The body of a delivery, built with the owner's access at this moment: ids and
    links always, text only where the owner may read it."""
    hook = delivery.hook
    owner, community, refs = hook.owner, hook.community, delivery.refs
    data: dict = {}
    if delivery.event in (Event.POST_PUBLISHED, Event.COMMENT_ADDED):
        data["post"] = _post_data(owner, refs.get("post"))
        if delivery.event == Event.COMMENT_ADDED:
            data["comment"] = _comment_data(owner, refs.get("comment"))
    elif delivery.event in (Event.MEMBER_JOINED, Event.MEMBER_LEFT):
        data["person"] = _person_data(refs.get("person"))
        if delivery.event == Event.MEMBER_LEFT:
            data["how"] = refs.get("status")
    elif delivery.event == Event.CASE_DECIDED:
        data.update(case=refs.get("case"), outcome=refs.get("outcome"))
        data["post"] = {"id": refs["post"]} if refs.get("post") else None
        data["comment"] = {"id": refs["comment"]} if refs.get("comment") else None
    return {
        "id": str(delivery.uid),
        "type": delivery.event,
        "created_at": delivery.occurred_at.isoformat(),
        "community": {
            "id": community.pk,
            "slug": community.slug,
            "url": _absolute(reverse("communities:detail", args=[community.slug])),
        },
        "data": data,
    }


# Attempts ---------------------------------------------------------------------------


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt` (1, 2, …): RSE_WEBHOOKS_BACKOFF_SECONDS
    doubled each time, at most 6 hours."""
    seconds = settings.RSE_WEBHOOKS_BACKOFF_SECONDS * 2 ** max(attempt - 1, 0)
    return timedelta(seconds=min(seconds, 6 * 3600))


def _retryable(response: sender.Response) -> bool:
    return response.status is None or response.status >= 500 or response.status == 429


def _claim(delivery_id: int, now: datetime) -> Delivery | None:
    """Take a due delivery for one attempt; None if it is not due or another worker has
    it (its next attempt is pushed past the time an attempt may take)."""
    lease = now + timedelta(seconds=settings.RSE_WEBHOOKS_TIMEOUT_SECONDS * 4 + 60)
    taken = Delivery.objects.filter(
        pk=delivery_id, status__in=[D.PENDING, D.RETRYING], next_attempt_at__lte=now
    ).update(next_attempt_at=lease, attempts=F("attempts") + 1)
    if not taken:
        return None
    return Delivery.objects.select_related("hook__owner", "hook__community").get(pk=delivery_id)


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> str | None:
    """One attempt at a delivery, if it is due. Returns the attempt's outcome, or None
    when there was nothing to do."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    hook = delivery.hook
    log = partial(Attempt.objects.create, delivery=delivery, number=delivery.attempts, at=now)
    if not hook.is_active:
        Delivery.objects.filter(pk=delivery.pk).update(status=D.SKIPPED, next_attempt_at=None)
        log(outcome=Attempt.Outcome.SKIPPED, error=_("The webhook is switched off."))
        return Attempt.Outcome.SKIPPED
    if not hook.owner.is_active or not rules.may_deliver(hook.owner, hook.community):
        Delivery.objects.filter(pk=delivery.pk).update(status=D.SKIPPED, next_attempt_at=None)
        log(
            outcome=Attempt.Outcome.SKIPPED,
            error=_("The webhook's owner may no longer manage this community."),
        )
        return Attempt.Outcome.SKIPPED
    body = json.dumps(payload(delivery), separators=(",", ":"), ensure_ascii=False).encode()
    try:
        target = addresses.parse(hook.url)
        address = addresses.vetted_address(target)
    except ValidationError as error:
        return _failed(delivery, now, log, outcome=Attempt.Outcome.REFUSED, error=error.messages[0])
    except OSError as exc:
        return _failed(delivery, now, log, error=f"DNS: {exc}"[:300])
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "RSE-Webhooks/1",
        "RSE-Event": delivery.event,
        "RSE-Delivery": str(delivery.uid),
        "RSE-Signature": signing.header(hook.secret, timestamp, body),
    }
    response = sender.post(target, address, body, headers)
    entry = {
        "status_code": response.status,
        "response_excerpt": response.excerpt,
        "duration_ms": response.duration_ms,
    }
    if response.status is not None and 200 <= response.status < 300:
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(status=D.SUCCEEDED, next_attempt_at=None)
            log(outcome=Attempt.Outcome.SUCCEEDED, **entry)
            Hook.objects.filter(pk=hook.pk).update(consecutive_failures=0)
        return Attempt.Outcome.SUCCEEDED
    problem = response.error or _("The receiver answered %(status)s.") % {"status": response.status}
    if response.status is not None and not _retryable(response):
        return _failed(delivery, now, log, error=problem, final=True, **entry)
    return _failed(delivery, now, log, error=problem, **entry)


def _failed(
    delivery, now, log, *, error: str, outcome=Attempt.Outcome.FAILED, final=False, **entry
):
    """Log a failed attempt; retry later, or fail the delivery for good (and the hook
    after too many failed deliveries in a row)."""
    final = final or delivery.attempts >= settings.RSE_WEBHOOKS_MAX_ATTEMPTS
    with transaction.atomic():
        log(outcome=outcome, error=error[:300], **entry)
        if not final:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=D.RETRYING, next_attempt_at=now + backoff(delivery.attempts)
            )
            return outcome
        Delivery.objects.filter(pk=delivery.pk).update(status=D.FAILED, next_attempt_at=None)
        Hook.objects.filter(pk=delivery.hook_id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        hook = Hook.objects.select_related("owner", "community").get(pk=delivery.hook_id)
        if hook.consecutive_failures >= settings.RSE_WEBHOOKS_DISABLE_AFTER:
            _hook_disable(
                hook=hook,
                reason=_("%(count)s deliveries failed in a row.")
                % {"count": hook.consecutive_failures},
            )
    return outcome


def deliveries_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Attempt the deliveries whose time has come (retries, and first attempts whose
    task was lost with the broker). Returns how many were attempted."""
    now = now or timezone.now()
    due = list(
        Delivery.objects.filter(status__in=[D.PENDING, D.RETRYING], next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in due if delivery_attempt(delivery_id=pk, now=now) is not None)


def deliveries_purge(*, now: datetime | None = None) -> int:
    """Delete the finished deliveries older than RSE_WEBHOOKS_LOG_DAYS (and their log)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RSE_WEBHOOKS_LOG_DAYS)
    deleted, _detail = Delivery.objects.filter(
        occurred_at__lt=cutoff, status__in=[D.SUCCEEDED, D.FAILED, D.SKIPPED]
    ).delete()
    return deleted


def hooks_delete_of_erased(*, user: User) -> dict[str, int]:
    """The DPO erased a departed person (privacy.erasure): the hooks they owned go, with
    their delivery logs (the erasure's audit entry counts them)."""
    _total, by_model = Hook.objects.filter(owner=user).delete()
    return {"webhooks_deleted": by_model.get(Hook._meta.label, 0)}
