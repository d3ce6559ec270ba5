"""Writes about moderation: reports, claims, decisions and sanctions.

Each function checks the permission, changes the state with conditional updates (a
double submission changes nothing twice), writes the case history and the audit
entry and notifies the people concerned — in one transaction, so that the content,
the case, the sanction, the notification and the audit entry change together or not
at all. Appeals are in `moderation.appeals`.
"""

from datetime import timedelta
from typing import NoReturn

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from charter.models import CharterSection
from charter.selectors import charter_status, report_reasons
from communities import services as community_services
from communities.models import Community, Membership
from communities.permissions import can_post
from notifications.models import Kind
from notifications.services import notify
from posts.models import Comment, Post, Revision, Status
from posts.selectors import comments_readable_by, posts_readable_by

from . import permissions
from .models import Case, CaseEvent, Decision, Report, Sanction
from .selectors import communities_moderated_by, forget_mutes, is_muted

OUT = Decision.Outcome
K = Sanction.Kind

# How serious each report reason of the default charter is (section number → 1 to 3),
# for the queue's priority. Sections not listed count as 2.
REASON_SEVERITY = {
    "4.3": 3,  # privacy of others
    "4.4": 2,  # denigration and defamation
    "4.5": 3,  # harassment and intimidation
    "4.6": 3,  # hate and discrimination
    "4.7": 3,  # illegal content and malware
    "4.8": 2,  # falsification and identity theft
    "4.9": 1,  # intellectual property and image rights
    "4.10": 1,  # spam, advertising and solicitation
    "4.11": 3,  # confidentiality and loyalty
    "4.12": 2,  # representing the company
    "4.13": 3,  # partners' and clients' information
    "4.16": 1,  # posting in the right place
}
DEFAULT_SEVERITY = 2


def _refuse(message: str) -> NoReturn:
    raise ValidationError(message)


def severity_of(section: CharterSection) -> int:
    return REASON_SEVERITY.get(section.number, DEFAULT_SEVERITY)


def _event(case: Case, code: str, actor=None, **data) -> None:
    CaseEvent.objects.create(case=case, code=code, actor=actor, data=data)


def _section_data(section: CharterSection | None) -> dict:
    if section is None:
        return {}
    return {
        "section": section.number,
        "section_title_en": section.title_en,
        "section_title_fr": section.title_fr,
    }


def _excerpt(item: Post | Comment) -> str:
    text = " ".join(item.body.split())
    return text[:80] + ("…" if len(text) > 80 else "")


# Reporting --------------------------------------------------------------------------


def is_readable(user, post: Post, comment: Comment | None = None) -> bool:
    if comment is not None:
        return comments_readable_by(user).filter(pk=comment.pk, post_id=post.pk).exists()
    return posts_readable_by(user).filter(pk=post.pk).exists()


def can_contribute_to(user, post: Post) -> bool:
    """Contribute where `post` lives: the community's rule, or for a post on a profile,
    an employee who accepted the charter and is not muted site-wide."""
    if post.community_id is not None:
        return can_post(user, post.community)  # type: ignore[arg-type]
    return bool(
        user.is_authenticated
        and user.is_active
        and user.kind == "employee"
        and charter_status(user)["accepted"]
        and not is_muted(user)
    )


def _report_reason(reason) -> CharterSection:
    section = report_reasons().filter(pk=getattr(reason, "pk", reason)).first()
    if section is None:
        _refuse(_("Choose a reason from the list."))
    return section


def _set_item_status(item: Post | Comment, status: str) -> bool:
    """Change the status of a post or comment, keeping the post's comment counter
    (published comments) right. Returns False if it was already in that status."""
    now = timezone.now()
    fields: dict = {"status": status}
    if status == Status.DELETED:
        fields["deleted_at"] = now
    elif status == Status.PUBLISHED:
        fields["deleted_at"] = None
    model = type(item)
    previous = model.objects.select_for_update().filter(pk=item.pk).values_list("status", flat=True)
    before = previous.first()
    if before is None or before == status:
        return False
    model.objects.filter(pk=item.pk, status=before).update(**fields)
    if isinstance(item, Comment):
        if before == Status.PUBLISHED:
            Post.objects.filter(pk=item.post_id).update(comments_count=F("comments_count") - 1)
        elif status == Status.PUBLISHED:
            Post.objects.filter(pk=item.post_id).update(comments_count=F("comments_count") + 1)
    item.status = status
    return True


def report_create(
    *, actor, post: Post, comment: Comment | None = None, reason, note: str = "", request=None
) -> Report:
    """Report a post or a comment, once. Gathers into the item's open case, and hides
    the item once REPORT_AUTO_HIDE_THRESHOLD distinct people reported it."""
    item = comment or post
    if not is_readable(actor, post, comment):
        raise PermissionDenied
    if item.author_id == actor.pk:
        _refuse(_("You cannot report your own content."))
    if not can_contribute_to(actor, post):
        raise PermissionDenied(_("You cannot contribute here, so you cannot report."))
    section = _report_reason(reason)
    note = note.strip()
    if len(note) > 1000:
        _refuse(_("The note is too long (1000 characters at most)."))
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()  # one report at a time
        already = Report.objects.filter(reporter=actor, post=post)
        already = already.filter(comment=comment) if comment else already.filter(comment=None)
        if already.exists():
            _refuse(_("You already reported this."))
        case = Case.objects.filter(post=post, comment=comment, status=Case.Status.OPEN).first()
        if case is None:
            case = Case.objects.create(
                post=post, comment=comment, community=post.community, author=item.author
            )
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
        _event(case, "reported", reason=section.number)
        audit.record(
            "moderation.reported",
            actor=actor,
            target=case,
            request=request,
            data={"reason": section.number, "item": "comment" if comment else "post"},
        )
        threshold = settings.REPORT_AUTO_HIDE_THRESHOLD
        if case.reporters_count >= threshold and _set_item_status(item, Status.HIDDEN):
            Case.objects.filter(pk=case.pk).update(auto_hidden=True)
            _event(case, "auto_hidden", reporters=case.reporters_count)
            audit.record(
                "moderation.auto_hidden",
                target=case,
                request=request,
                actor_label="system",
                data={"reporters": case.reporters_count, "threshold": threshold},
            )
    return report


# Claims -----------------------------------------------------------------------------


def _ensure_can_handle(actor, case: Case) -> None:
    if not permissions.can_handle(actor, case):
        raise PermissionDenied


def _lapse():
    return timezone.now() - timedelta(minutes=settings.MODERATION_CLAIM_MINUTES)


def _free_or_mine(actor) -> Q:
    return Q(claimed_by__isnull=True) | Q(claimed_by=actor) | Q(claimed_at__lt=_lapse())


def case_claim(*, actor, case: Case) -> Case:
    """Take a case so that nobody else works on it (lapses after
    MODERATION_CLAIM_MINUTES)."""
    _ensure_can_handle(actor, case)
    with transaction.atomic():
        updated = Case.objects.filter(
            _free_or_mine(actor), pk=case.pk, status=Case.Status.OPEN
        ).update(claimed_by=actor, claimed_at=timezone.now())
        if not updated:
            _refuse_busy(case)
        _event(case, "claimed", actor=actor)
    case.refresh_from_db()
    return case


def case_release(*, actor, case: Case) -> Case:
    _ensure_can_handle(actor, case)
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, claimed_by=actor, status=Case.Status.OPEN).update(
            claimed_by=None, claimed_at=None
        )
        if not updated:
            _refuse(_("You do not hold this case."))
        _event(case, "released", actor=actor)
    case.refresh_from_db()
    return case


def _refuse_busy(case: Case) -> NoReturn:
    current = Case.objects.select_related("claimed_by").get(pk=case.pk)
    if current.status != Case.Status.OPEN:
        _refuse(_("This case is already decided."))
    _refuse(
        _("%(name)s is handling this case; their claim lapses after %(minutes)d minutes.")
        % {"name": current.claimed_by, "minutes": settings.MODERATION_CLAIM_MINUTES}
    )


# Sanctions --------------------------------------------------------------------------


def _validate_sanction(
    *, actor, user, community: Community | None, kind: str, days, site_wide: bool
) -> tuple[Community | None, int | None]:
    """Check a sanction before anything is written. Returns (scope community, days)."""
    if kind not in K.values:
        _refuse(_("Choose a sanction from the list."))
    if user.pk == actor.pk:
        _refuse(_("You cannot sanction yourself."))
    if not permissions.can_moderate_in(actor, community):
        raise PermissionDenied
    scope = community
    mute_days = None
    if kind == K.MUTE:
        try:
            mute_days = int(days)
        except (TypeError, ValueError):
            _refuse(_("Give the length of the mute in days."))
        maximum = settings.MODERATION_MUTE_MAX_DAYS
        if not 1 <= mute_days <= maximum:
            _refuse(_("A mute lasts from 1 to %(max)d days.") % {"max": maximum})
        if site_wide or community is None:
            if not permissions.can_mute_site_wide(actor):
                raise PermissionDenied(_("Only site moderators mute site-wide."))
            scope = None
    elif kind == K.BAN and not permissions.can_ban(actor, community):
        raise PermissionDenied(_("Only the community's managers exclude members."))
    return scope, mute_days


def _ban(*, actor, user, community: Community, reason: str, request=None) -> None:
    """Exclude through the communities service; someone who never joined (a free
    community) gets a banned membership row, audited the same way."""
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is not None:
        community_services.membership_ban(
            actor=actor, membership=membership, reason=reason, request=request
        )
        return
    membership = Membership.objects.create(
        community=community,
        user=user,
        status=Membership.Status.BANNED,
        decided_by=actor,
        decided_at=timezone.now(),
        reason=reason[:500],
    )
    audit.record(
        "membership.banned",
        actor=actor,
        target=community,
        request=request,
        data={"user": user.username, "reason": reason},
    )


def _apply_sanction(
    *,
    actor,
    user,
    community: Community | None,
    kind: str,
    days,
    site_wide: bool,
    reason: CharterSection | None,
    message: str,
    case: Case | None,
    request=None,
) -> Sanction:
    scope, mute_days = _validate_sanction(
        actor=actor, user=user, community=community, kind=kind, days=days, site_wide=site_wide
    )
    now = timezone.now()
    sanction = Sanction.objects.create(
        user=user,
        kind=kind,
        community=scope,
        case=case,
        reason=reason,
        message=message,
        decided_by=actor,
        created_at=now,
        ends_at=now + timedelta(days=mute_days) if mute_days else None,
    )
    forget_mutes(user)
    if kind == K.BAN:
        assert scope is not None
        _ban(actor=actor, user=user, community=scope, reason=message, request=request)
    data = {
        "sanction": kind,
        "user": user.username,
        "community": scope.slug if scope else "",
        "ends_at": sanction.ends_at.isoformat() if sanction.ends_at else "",
        **({"section": reason.number} if reason else {}),
    }
    audit.record("moderation.sanctioned", actor=actor, target=sanction, request=request, data=data)
    if case is not None:
        _event(case, "sanctioned", actor=actor, sanction=kind, sanction_id=sanction.pk)
    if kind == K.SUSPENSION:
        for admin in get_user_model().objects.filter(is_superuser=True, is_active=True):
            notify(
                recipient=admin,
                kind=Kind.MODERATION,
                data={
                    "event": "suspension_proposed",
                    "sanction": sanction.pk,
                    "person": user.get_full_name() or user.get_username(),
                },
            )
    else:
        notify(
            recipient=user,
            kind=Kind.MODERATION,
            data={
                "event": "sanctioned",
                "sanction": kind,
                "sanction_id": sanction.pk,
                "community": scope.name if scope else "",
                "ends_at": data["ends_at"],
                "message": message,
                **_section_data(reason),
            },
        )
    return sanction


def sanction_create(
    *,
    actor,
    user,
    community: Community | None,
    kind: str,
    reason=None,
    days=None,
    site_wide: bool = False,
    message: str = "",
    case: Case | None = None,
    request=None,
) -> Sanction:
    """A sanction decided alone (without a decision on content)."""
    section = _report_reason(reason) if reason else None
    if case is not None:
        _ensure_can_handle(actor, case)
        if case.author_id != user.pk or case.community_id != (community and community.pk):
            raise PermissionDenied
    with transaction.atomic():
        return _apply_sanction(
            actor=actor,
            user=user,
            community=community,
            kind=kind,
            days=days,
            site_wide=site_wide,
            reason=section,
            message=message.strip()[:2000],
            case=case,
            request=request,
        )


def end_expired_mutes(*, now=None, dry_run: bool = False, client: str = "job") -> int:
    """Mark lapsed mutes as ended, each with an audit entry. The mute already stopped
    at its end date (is_muted compares with now); this keeps the record plain.
    Idempotent: a mute is ended once."""
    now = now or timezone.now()
    lapsed = Sanction.objects.filter(kind=K.MUTE, ended_at__isnull=True, ends_at__lte=now)
    if dry_run:
        return lapsed.count()
    ended = 0
    for sanction in lapsed.select_related("user").order_by("ends_at", "pk").iterator():
        with transaction.atomic():
            if not Sanction.objects.filter(pk=sanction.pk, ended_at__isnull=True).update(
                ended_at=sanction.ends_at
            ):
                continue
            audit.record(
                "moderation.mute_ended",
                target=sanction,
                actor_label="system",
                client=client,
                data={"user": sanction.user.username, "ends_at": sanction.ends_at},
            )
            ended += 1
    return ended


# Decisions --------------------------------------------------------------------------


def move_destinations(actor, case: Case) -> QuerySet[Community]:
    """Communities `actor` may move the post of `case` to: not archived, and that
    they moderate (site moderators: any)."""
    communities = Community.objects.exclude(state=Community.State.ARCHIVED)
    if case.community_id:
        communities = communities.exclude(pk=case.community_id)
    if permissions.is_site_moderator(actor):
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
    _ensure_can_handle(actor, case)
    if outcome not in OUT.values:
        _refuse(_("Choose a decision from the list."))
    section = None
    if outcome != OUT.KEEP:
        if not reason:
            _refuse(_("Cite the section of the charter that this decision applies."))
        section = _report_reason(reason)
    elif reason:
        section = _report_reason(reason)
    message = message.strip()
    if len(message) > 2000:
        _refuse(_("The message is too long (2000 characters at most)."))
    item = case.item
    if outcome == OUT.EDIT:
        body = body.strip()
        if not body:
            _refuse(_("Give the edited text."))
        if body == item.body:
            _refuse(_("The edited text is the same as the original."))
    if outcome == OUT.MOVE:
        if case.comment_id:
            _refuse(_("Only posts can be moved."))
        if (
            destination is None
            or not move_destinations(actor, case).filter(pk=destination.pk).exists()
        ):
            _refuse(_("Choose a community you moderate to move the post to."))
    now = timezone.now()
    with transaction.atomic():
        updated = Case.objects.filter(
            _free_or_mine(actor), pk=case.pk, status=Case.Status.OPEN
        ).update(status=Case.Status.CLOSED, decided_at=now, claimed_by=None)
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
        _event(case, "decided", actor=actor, outcome=outcome, section=section and section.number)
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
            _apply_sanction(
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
    return decision


def _apply_outcome(*, actor, case: Case, item, outcome: str, body: str, destination) -> None:
    if outcome == OUT.KEEP:
        if case.auto_hidden:
            _set_item_status(item, Status.PUBLISHED)
    elif outcome == OUT.HIDE:
        _set_item_status(item, Status.HIDDEN)
    elif outcome == OUT.DELETE:
        _set_item_status(item, Status.DELETED)
    elif outcome == OUT.EDIT:
        now = timezone.now()
        Revision.objects.create(
            post=case.post,
            comment=case.comment,
            body=item.body,
            edited_by=actor,
            by_moderator=True,
            created_at=now,
        )
        type(item).objects.filter(pk=item.pk).update(
            body=body, edited_at=now, edited_by_moderator=True
        )
        if case.auto_hidden:
            _set_item_status(item, Status.PUBLISHED)
    elif outcome == OUT.MOVE:
        Post.objects.filter(pk=case.post_id).update(community=destination)
        Case.objects.filter(post_id=case.post_id).update(community=destination)
        case.community = destination
        if case.auto_hidden:
            _set_item_status(item, Status.PUBLISHED)
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
                "excerpt": _excerpt(item),
                "message": decision.message,
                "community": case.community.name if case.community else "",
                **_section_data(decision.reason),
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
