"""Appeals: the author contests a decision (with its sanctions), or a sanction decided
alone, once; site moderators confirm or reverse. Same rules as `services`: permission,
conditional update, history, audit and notifications in one transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access import moderation as moderation_rules
from access.roles import site_moderators
from audit import services as audit
from communities.models import Membership
from core import navcounters
from notifications.models import Kind
from notifications.services import notify
from posts import moderated as posts_moderated
from posts.models import Status

from .common import record_event
from .models import Appeal, Case, Decision, Sanction


def can_appeal_case(user, case: Case) -> bool:
    """The author may contest a decision that acted on their content or sanctioned
    them, once."""
    decision = getattr(case, "decision", None)
    return bool(
        case.author_id == user.pk
        and case.status == Case.Status.CLOSED
        and decision is not None
        and (decision.outcome != Decision.Outcome.KEEP or case.sanctions.exists())
        and not Appeal.objects.filter(case=case).exists()
    )


def can_appeal_sanction(user, sanction: Sanction) -> bool:
    """Sanctions decided with a case are contested through the case."""
    return bool(
        sanction.user_id == user.pk
        and sanction.case_id is None
        and sanction.kind != Sanction.Kind.SUSPENSION
        and not Appeal.objects.filter(sanction=sanction).exists()
    )


def _site_moderators():
    return site_moderators().order_by("pk")


def appeal_file(
    *, actor, case: Case | None = None, sanction: Sanction | None = None, message: str, request=None
) -> Appeal:
    if (case is None) == (sanction is None):
        raise ValueError("Appeal either a case or a sanction.")
    message = message.strip()
    if case is not None and case.author_id != actor.pk:
        raise PermissionDenied
    if sanction is not None and sanction.user_id != actor.pk:
        raise PermissionDenied
    allowed = (
        can_appeal_case(actor, case) if case is not None else can_appeal_sanction(actor, sanction)  # type: ignore[arg-type]
    )
    if not allowed:
        raise ValidationError(_("You cannot contest this (a decision is contested once)."))
    if not message:
        raise ValidationError(_("Explain why you contest this decision."))
    if len(message) > 2000:
        raise ValidationError(_("The message is too long (2000 characters at most)."))
    with transaction.atomic():
        appeal = Appeal.objects.create(
            case=case, sanction=sanction, appellant=actor, message=message
        )
        if case is not None:
            record_event(case, "appealed", actor=actor)
        audit.record(
            "moderation.appeal_filed",
            actor=actor,
            target=appeal,
            request=request,
            data={"case": case.pk if case else None, "sanction": sanction.pk if sanction else None},
        )
        for moderator in _site_moderators():
            notify(
                recipient=moderator,
                kind=Kind.APPEAL_FILED,
                actor=actor,
                data={
                    "event": "appeal_filed",
                    "appeal": appeal.pk,
                    "url": reverse("moderation:appeals"),
                },
            )
    return appeal


def _lift(*, actor, sanction: Sanction, request=None) -> None:
    """End a sanction on appeal; a ban is lifted like communities' unban does."""
    now = timezone.now()
    if not Sanction.objects.filter(pk=sanction.pk, ended_at__isnull=True).update(ended_at=now):
        return
    if sanction.kind == Sanction.Kind.BAN and sanction.community is not None:  # noqa: SIM102
        banned = Membership.objects.filter(
            community=sanction.community, user_id=sanction.user_id, status="banned"
        )
        if banned.update(status=Membership.Status.REMOVED, decided_by=actor, decided_at=now):
            navcounters.forget(sanction.user_id)
            audit.record(
                "membership.unbanned",
                actor=actor,
                target=sanction.community,
                request=request,
                data={"user": sanction.user.username, "appeal": True},
            )
    audit.record(
        "moderation.sanction_lifted",
        actor=actor,
        target=sanction,
        request=request,
        data={"user": sanction.user.username, "sanction": sanction.kind},
    )


def _undo_decision(*, actor, case: Case) -> None:
    decision = case.decision
    item = case.item
    if decision.outcome in (Decision.Outcome.HIDE, Decision.Outcome.DELETE):
        posts_moderated.item_status_set(item=item, status=Status.PUBLISHED)
    elif decision.outcome == Decision.Outcome.EDIT:
        earlier = posts_moderated.last_moderator_revision(item)
        if earlier is not None:
            posts_moderated.item_moderator_edit(
                actor=actor, item=item, body=earlier.body, marked=False
            )
    elif decision.outcome == Decision.Outcome.MOVE:
        back = decision.previous_community
        posts_moderated.post_move(post_id=case.post_id, destination=back)
        Case.objects.filter(post_id=case.post_id).update(community=back)


def appeal_decide(
    *, actor, appeal: Appeal, reverse: bool, response: str = "", request=None
) -> Appeal:
    """A site moderator confirms the decision, or reverses it: the content is put back
    as it was and the sanctions are lifted."""
    if not moderation_rules.can_decide_appeal(actor, appeal):
        raise PermissionDenied
    response = response.strip()
    if len(response) > 2000:
        raise ValidationError(_("The answer is too long (2000 characters at most)."))
    status = Appeal.Status.REVERSED if reverse else Appeal.Status.CONFIRMED
    with transaction.atomic():
        updated = Appeal.objects.filter(pk=appeal.pk, status=Appeal.Status.PENDING).update(
            status=status, decided_by=actor, decided_at=timezone.now(), response=response
        )
        if not updated:
            raise ValidationError(_("This appeal is already decided."))
        appeal.refresh_from_db()
        if reverse:
            if appeal.case is not None:
                _undo_decision(actor=actor, case=appeal.case)
                for sanction in appeal.case.sanctions.select_related("user", "community"):
                    _lift(actor=actor, sanction=sanction, request=request)
            else:
                _lift(actor=actor, sanction=appeal.sanction, request=request)  # type: ignore[arg-type]
        if appeal.case is not None:
            record_event(appeal.case, f"appeal_{status}", actor=actor)
        audit.record(
            f"moderation.appeal_{status}",
            actor=actor,
            target=appeal,
            request=request,
            data={"case": appeal.case_id, "sanction": appeal.sanction_id},
        )
        notify(
            recipient=appeal.appellant,
            kind=Kind.MODERATION,
            data={
                "event": "appeal_decided",
                "appeal": appeal.pk,
                "status": status,
                "response": response,
            },
        )
    return appeal
