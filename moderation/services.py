"""Writes about moderation: reports, claims and decisions (sanctions are in
`moderation.sanctions`, appeals in `moderation.appeals`).

Each function checks the permission, changes the state with conditional updates (a
double submission changes nothing twice), writes the case history and the audit
entry and notifies the people concerned — in one transaction, so that the content,
the case, the sanction, the notification and the audit entry change together or not
at all.
"""

from datetime import timedelta
from typing import NoReturn

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access import moderation as moderation_rules
from access.posts import can_contribute, comments_readable_by, posts_readable_by
from access.roles import site_moderators
from audit import services as audit
from communities import services as community_services
from communities.models import Community, Membership
from core import navcounters
from notifications.models import Kind
from notifications.services import notify
from posts import moderated as posts_moderated
from posts.models import Comment, Post, Status

from .common import (
    REASON_SEVERITY,
    cited_section,
    ensure_can_handle,
    excerpt,
    record_event,
    refuse,
    report_reason,
    section_data,
    severity_of,
)
from .events import case_decided
from .models import Case, Decision, Report
from .sanctions import apply_sanction, end_expired_mutes, sanction_create
from .selectors import communities_managed_by, communities_moderated_by

# The public surface of moderation writes, in one place for callers.
__all__ = [
    "REASON_SEVERITY",
    "case_claim",
    "case_decide",
    "case_release",
    "end_expired_mutes",
    "is_readable",
    "move_destinations",
    "report_create",
    "sanction_create",
]

OUT = Decision.Outcome

# Reporting --------------------------------------------------------------------------


def is_readable(user, post: Post, comment: Comment | None = None) -> bool:
    if comment is not None:
        return comments_readable_by(user).filter(pk=comment.pk, post_id=post.pk).exists()
    return posts_readable_by(user).filter(pk=post.pk).exists()


def _tell_moderators(case: Case) -> None:
    """A new case: its community's managers and moderators are alerted (site
    moderators for posts on profiles) — never who reported, never its author."""
    if case.community_id is None:
        people = site_moderators()
    else:
        people = get_user_model().objects.filter(
            community_memberships__community_id=case.community_id,
            community_memberships__status=Membership.Status.ACTIVE,
            community_memberships__role__in=[Membership.Role.MANAGER, Membership.Role.MODERATOR],
        )
    url = reverse("moderation:case", args=[case.pk])
    for person in people.exclude(pk=case.author_id).order_by("pk"):
        notify(
            recipient=person,
            kind=Kind.REPORT_FILED,
            community=case.community,
            data={"url": url, "case": case.pk},
        )


def report_create(
    *, actor, post: Post, comment: Comment | None = None, reason, note: str = "", request=None
) -> Report:
    """Report a post or a comment, once. Gathers into the item's open case, and hides
    the item once REPORT_AUTO_HIDE_THRESHOLD distinct people reported it."""
    item = comment or post
    if not is_readable(actor, post, comment):
        raise PermissionDenied
    if item.author_id == actor.pk:
        refuse(_("You cannot report your own content."))
    if not can_contribute(actor, post.community):
        raise PermissionDenied(_("You cannot contribute here, so you cannot report."))
    section = report_reason(reason)
    note = note.strip()
    if len(note) > 1000:
        refuse(_("The note is too long (1000 characters at most)."))
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()  # one report at a time
        already = Report.objects.filter(reporter=actor, post=post)
        already = already.filter(comment=comment) if comment else already.filter(comment=None)
        if already.exists():
            refuse(_("You already reported this."))
        case = Case.objects.filter(post=post, comment=comment, status=Case.Status.OPEN).first()
        if case is None:
            case = Case.objects.create(
                post=post, comment=comment, community=post.community, author=item.author
            )
            _tell_moderators(case)
        severity = severity_of(section)
        report = Report.objects.create(
            case=case,
            reporter=actor,
            post=post,
            comment=comment,
            reason=section,
            severity=severity,
            note=note,
        )
        Case.objects.filter(pk=case.pk).update(
            reporters_count=F("reporters_count") + 1, severity=Greatest(F("severity"), severity)
        )
        case.refresh_from_db()
        record_event(case, "reported", reason=section.number)
        audit.record(
            "moderation.reported",
            actor=actor,
            target=case,
            request=request,
            data={"reason": section.number, "item": "comment" if comment else "post"},
        )
        threshold = settings.REPORT_AUTO_HIDE_THRESHOLD
        if case.reporters_count >= threshold and posts_moderated.item_status_set(
            item=item, status=Status.HIDDEN
        ):
            Case.objects.filter(pk=case.pk).update(auto_hidden=True)
            record_event(case, "auto_hidden", reporters=case.reporters_count)
            audit.record(
                "moderation.auto_hidden",
                target=case,
                request=request,
                actor_label="system",
                data={"reporters": case.reporters_count, "threshold": threshold},
            )
    return report


# Claims -----------------------------------------------------------------------------


def _lapse():
    return timezone.now() - timedelta(minutes=settings.MODERATION_CLAIM_MINUTES)


def _free_or_mine(actor) -> Q:
    return Q(claimed_by__isnull=True) | Q(claimed_by=actor) | Q(claimed_at__lt=_lapse())


def case_claim(*, actor, case: Case) -> Case:
    """Take a case so that nobody else works on it (lapses after
    MODERATION_CLAIM_MINUTES)."""
    ensure_can_handle(actor, case)
    with transaction.atomic():
        updated = Case.objects.filter(
            _free_or_mine(actor), pk=case.pk, status=Case.Status.OPEN
        ).update(claimed_by=actor, claimed_at=timezone.now())
        if not updated:
            _refuse_busy(case)
        record_event(case, "claimed", actor=actor)
    case.refresh_from_db()
    return case


def case_release(*, actor, case: Case) -> Case:
    ensure_can_handle(actor, case)
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, claimed_by=actor, status=Case.Status.OPEN).update(
            claimed_by=None, claimed_at=None
        )
        if not updated:
            refuse(_("You do not hold this case."))
        record_event(case, "released", actor=actor)
    case.refresh_from_db()
    return case


def _refuse_busy(case: Case) -> NoReturn:
    current = Case.objects.select_related("claimed_by").get(pk=case.pk)
    if current.status != Case.Status.OPEN:
        refuse(_("This case is already decided."))
    refuse(
        _("%(name)s is handling this case; their claim lapses after %(minutes)d minutes.")
        % {"name": current.claimed_by, "minutes": settings.MODERATION_CLAIM_MINUTES}
    )


# Decisions --------------------------------------------------------------------------


def move_destinations(actor, case: Case) -> QuerySet[Community]:
    """Communities `actor` may move the post of `case` to: not archived, and that
    they moderate (site moderators: any) — a hidden one only if they manage it, so
    that a site moderator who is not a member is never shown one."""
    communities = Community.objects.exclude(state=Community.State.ARCHIVED).filter(
        Q(visibility=Community.Visibility.VISIBLE)
        | Q(pk__in=communities_managed_by(actor).values("pk"))
    )
    if case.community_id:
        communities = communities.exclude(pk=case.community_id)
    if moderation_rules.is_site_moderator(actor):
        return communities.order_by("name")
    return communities.filter(pk__in=communities_moderated_by(actor).values("pk")).order_by("name")


def case_decide(
    *,
    actor,
    case: Case,
    outcome: str,
    reason=None,
    message: str = "",
    body: str = "",
    destination: Community | None = None,
    sanction: dict | None = None,
    request=None,
) -> Decision:
    """Decide on an open case: keep, hide, edit, move or delete the item, with an
    optional sanction on its author, in one transaction."""
    ensure_can_handle(actor, case)
    if outcome not in OUT.values:
        refuse(_("Choose a decision from the list."))
    section = None
    if outcome != OUT.KEEP:
        if not reason:
            refuse(_("Cite the section of the charter that this decision applies."))
        section = report_reason(reason)
    elif reason:
        section = report_reason(reason)
    if section is not None:
        # Cite the author's variant of the section (their country's or entity's text).
        section = cited_section(section, case.author)
    message = message.strip()
    if len(message) > 2000:
        refuse(_("The message is too long (2000 characters at most)."))
    item = case.item
    if outcome == OUT.EDIT:
        body = body.strip()
        if not body:
            refuse(_("Give the edited text."))
        if body == item.body:
            refuse(_("The edited text is the same as the original."))
    if outcome == OUT.MOVE:
        if case.comment_id:
            refuse(_("Only posts can be moved."))
        if (
            destination is None
            or not move_destinations(actor, case).filter(pk=destination.pk).exists()
        ):
            refuse(_("Choose a community you moderate to move the post to."))
    now = timezone.now()
    with transaction.atomic():
        updated = Case.objects.filter(
            _free_or_mine(actor), pk=case.pk, status=Case.Status.OPEN
        ).update(status=Case.Status.CLOSED, decided_at=now, claimed_by=None)
        navcounters.access_changed()
        if not updated:
            _refuse_busy(case)
        case.refresh_from_db()
        before = type(item).objects.filter(pk=item.pk).values_list("status", flat=True).first()
        decision = Decision.objects.create(
            case=case,
            outcome=outcome,
            reason=section,
            message=message,
            decided_by=actor,
            decided_at=now,
            previous_status=before or "",
            previous_community=case.community,
        )
        _apply_outcome(
            actor=actor, case=case, item=item, outcome=outcome, body=body, destination=destination
        )
        record_event(
            case, "decided", actor=actor, outcome=outcome, section=section and section.number
        )
        audit.record(
            "moderation.decided",
            actor=actor,
            target=case,
            request=request,
            data={
                "outcome": outcome,
                "section": section.number if section else "",
                **({"to": destination.slug} if destination else {}),
            },
        )
        if sanction and sanction.get("kind"):
            apply_sanction(
                actor=actor,
                user=case.author,
                community=case.community if outcome != OUT.MOVE else decision.previous_community,
                kind=sanction["kind"],
                days=sanction.get("days"),
                site_wide=bool(sanction.get("site_wide")),
                reason=section,
                message=message,
                case=case,
                request=request,
            )
        _notify_decision(case=case, decision=decision, item=item)
        case_decided.send(sender=Case, case=case, decision=decision)
    return decision


def _apply_outcome(*, actor, case: Case, item, outcome: str, body: str, destination) -> None:
    if outcome == OUT.KEEP:
        if case.auto_hidden:
            posts_moderated.item_status_set(item=item, status=Status.PUBLISHED)
    elif outcome == OUT.HIDE:
        posts_moderated.item_status_set(item=item, status=Status.HIDDEN)
    elif outcome == OUT.DELETE:
        posts_moderated.item_status_set(item=item, status=Status.DELETED)
    elif outcome == OUT.EDIT:
        posts_moderated.item_moderator_edit(actor=actor, item=item, body=body)
        if case.auto_hidden:
            posts_moderated.item_status_set(item=item, status=Status.PUBLISHED)
    elif outcome == OUT.MOVE:
        posts_moderated.post_move(post_id=case.post_id, destination=destination)
        Case.objects.filter(post_id=case.post_id).update(community=destination)
        case.community = destination
        if case.auto_hidden:
            posts_moderated.item_status_set(item=item, status=Status.PUBLISHED)
        community_services.record_activity(destination)


def _notify_decision(*, case: Case, decision: Decision, item) -> None:
    """The author learns the decision, its reason and the charter section (in `data`:
    after hiding they can no longer read the post, and notify() would drop it); the
    reporters learn the outcome only — not who decided, not the sanction."""
    what = "comment" if case.comment_id else "post"
    if decision.outcome != OUT.KEEP:
        notify(
            recipient=case.author,
            kind=Kind.MODERATION,
            data={
                "event": "case_decided",
                "case": case.pk,
                "item": what,
                "outcome": decision.outcome,
                "excerpt": excerpt(item),
                "message": decision.message,
                "community": case.community.name if case.community else "",
                **section_data(decision.reason),
            },
        )
    outcome = "kept" if decision.outcome == OUT.KEEP else "actioned"
    reporters = (
        get_user_model().objects.filter(pk__in=case.reports.values("reporter_id")).order_by("pk")
    )
    for reporter in reporters:
        notify(
            recipient=reporter,
            kind=Kind.MODERATION,
            data={"event": "report_outcome", "case": case.pk, "item": what, "outcome": outcome},
        )
