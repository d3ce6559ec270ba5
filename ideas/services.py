"""Writes about the idea box: run it, propose, vote, review (status, merge).

Votes lock the idea's row (a double click counts once); status changes and merges are
audited and tell the author and the voters."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import ideas as idea_rules
from access.communities import is_readable_by
from access.posts import is_post_readable_by
from audit import services as audit
from communities.models import Community
from core.notices import notify
from posts import services as post_services
from profiles.models import User

from .models import REASON_MAX_LENGTH, TITLE_MAX_LENGTH, Idea, IdeaBox, Reviewer, Vote


def idea_box_set(*, actor: User, community: Community, enabled: bool, request=None) -> IdeaBox:
    """A manager opens or closes the community's idea box (audited)."""
    if not idea_rules.can_run_box(actor, community):
        raise PermissionDenied(_("Only the managers of the community run its idea box."))
    with transaction.atomic():
        box, created = IdeaBox.objects.select_for_update().get_or_create(
            community=community, defaults={"enabled": enabled}
        )
        if created or box.enabled != enabled:
            box.enabled = enabled
            box.changed_at = timezone.now()
            box.save(update_fields=["enabled", "changed_at"])
            action = "ideas.box_enabled" if enabled else "ideas.box_disabled"
            audit.record(action, actor=actor, target=community, request=request)
    return box


def reviewer_add(*, actor: User, community: Community, user: User, request=None) -> Reviewer:
    if not idea_rules.can_run_box(actor, community):
        raise PermissionDenied(_("Only the managers of the community run its idea box."))
    if not idea_rules.box_enabled(community):
        raise ValidationError(_("Open the idea box first."))
    if not user.is_active or not is_readable_by(user, community):
        raise ValidationError(_("A reviewer must be able to read the community."))
    with transaction.atomic():
        reviewer, created = Reviewer.objects.get_or_create(box_id=community.pk, user=user)
        if created:
            audit.record(
                "ideas.reviewer_added",
                actor=actor,
                target=community,
                request=request,
                data={"user": user.pk},
            )
    return reviewer


def reviewer_remove(*, actor: User, community: Community, user: User, request=None) -> None:
    if not idea_rules.can_run_box(actor, community):
        raise PermissionDenied(_("Only the managers of the community run its idea box."))
    with transaction.atomic():
        deleted, _rows = Reviewer.objects.filter(box_id=community.pk, user=user).delete()
        if deleted:
            audit.record(
                "ideas.reviewer_removed",
                actor=actor,
                target=community,
                request=request,
                data={"user": user.pk},
            )


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("An idea needs a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            _("The title is too long: %(count)d characters, at most %(limit)d.")
            % {"count": len(title), "limit": TITLE_MAX_LENGTH}
        )
    return title


def idea_propose(
    *, actor: User, community: Community, title: str, body: str, tags: str = ""
) -> Idea:
    if not idea_rules.can_propose(actor, community):
        if not idea_rules.box_enabled(community):
            raise PermissionDenied(_("This community has no idea box."))
        raise PermissionDenied(_("You may not propose an idea here."))
    title = _clean_title(title)
    with transaction.atomic():
        post = post_services.post_create(actor=actor, community=community, body=body, tags=tags)
        return Idea.objects.create(post=post, title=title)


def idea_vote(*, actor: User, idea: Idea, voted: bool) -> tuple[bool, int]:
    """Vote for an idea, or take one's vote back. `voted` is the wanted state: a double
    click does nothing twice. Returns (voted, count)."""
    if not is_post_readable_by(actor, idea.post):
        raise PermissionDenied(_("You may not vote for this idea."))
    with transaction.atomic():
        locked = Idea.objects.select_for_update().select_related("post").get(pk=idea.pk)
        if not idea_rules.can_vote(actor, locked.post, locked):
            if locked.status not in idea_rules.OPEN_STATUSES:
                raise ValidationError(_("This idea is closed: it takes no more votes."))
            raise PermissionDenied(_("You may not vote for this idea."))
        exists = Vote.objects.filter(idea=locked, user=actor).exists()
        if voted and not exists:
            Vote.objects.create(idea=locked, user=actor)
            locked.votes_count += 1
        elif not voted and exists:
            Vote.objects.filter(idea=locked, user=actor).delete()
            locked.votes_count -= 1
        locked.save(update_fields=["votes_count"])
    return voted, locked.votes_count


def _tell(idea: Idea, actor: User, data: dict) -> None:
    """The author and every voter hear of a change (each once, never the actor)."""
    told = {actor.pk}
    people = [idea.post.author, *[v.user for v in idea.votes.select_related("user")]]
    for person in people:
        if person.pk in told:
            continue
        told.add(person.pk)
        notify(recipient=person, kind="idea_status", actor=actor, post=idea.post, data=data)


def idea_status_set(
    *, actor: User, idea: Idea, status: str, reason: str = "", request=None
) -> Idea:
    """The review team moves an idea along: new → under review → planned → done, or
    declined with a reason (audited; the author and the voters are told)."""
    settable = [s for s in Idea.Status.values if s != Idea.Status.MERGED]
    if status not in settable:
        raise ValidationError(_("Choose a status from the list."))
    reason = (reason or "").strip()
    if status == Idea.Status.DECLINED and not reason:
        raise ValidationError(_("Say why the idea is declined."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("The reason is too long: at most %(limit)d characters.")
            % {"limit": REASON_MAX_LENGTH}
        )
    if not is_post_readable_by(actor, idea.post) or not idea_rules.can_review(
        actor, idea.post.community
    ):
        raise PermissionDenied(_("Only the review team may change the status of an idea."))
    with transaction.atomic():
        locked = (
            Idea.objects.select_for_update().select_related("post", "post__author").get(pk=idea.pk)
        )
        if locked.status == Idea.Status.MERGED:
            raise ValidationError(_("This idea was merged into another."))
        if locked.status == status and locked.reason == reason:
            return locked
        previous = locked.status
        locked.status = status
        locked.reason = reason if status == Idea.Status.DECLINED else ""
        locked.status_changed_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["status", "reason", "status_changed_at"])
        audit.record(
            "ideas.status_changed",
            actor=actor,
            target=locked,
            request=request,
            data={"from": previous, "to": status, "reason": locked.reason},
        )
        _tell(locked, actor, {"status": status, "reason": locked.reason})
    return locked


def idea_merge(*, actor: User, idea: Idea, into: Idea, request=None) -> Idea:
    """The review team merges a duplicate into another idea of the same box: its voters
    are carried over once (who voted for both counts once), the duplicate is closed."""
    if idea.pk == into.pk:
        raise ValidationError(_("An idea cannot be merged into itself."))
    if idea.post.community_id != into.post.community_id:
        raise ValidationError(_("Both ideas must be in the same idea box."))
    if not is_post_readable_by(actor, idea.post) or not idea_rules.can_review(
        actor, idea.post.community
    ):
        raise PermissionDenied(_("Only the review team may merge ideas."))
    with transaction.atomic():
        first, second = sorted([idea.pk, into.pk])  # one lock order: no deadlock
        locked = {
            i.pk: i
            for i in Idea.objects.select_for_update()
            .select_related("post", "post__author")
            .filter(pk__in=[first, second])
        }
        source, target = locked[idea.pk], locked[into.pk]
        if source.status == Idea.Status.MERGED:
            raise ValidationError(_("This idea was already merged."))
        if target.status == Idea.Status.MERGED:
            raise ValidationError(_("Merge into the idea it was merged into instead."))
        already = set(Vote.objects.filter(idea=target).values_list("user_id", flat=True))
        carried = [
            Vote(idea=target, user_id=user_id)
            for user_id in Vote.objects.filter(idea=source).values_list("user_id", flat=True)
            if user_id not in already
        ]
        Vote.objects.bulk_create(carried)
        target.votes_count = len(already) + len(carried)
        target.save(update_fields=["votes_count"])
        source.status = Idea.Status.MERGED
        source.merged_into = target
        source.status_changed_at = timezone.now()
        source.save(update_fields=["status", "merged_into", "status_changed_at"])
        audit.record(
            "ideas.merged",
            actor=actor,
            target=source,
            request=request,
            data={"into": target.pk, "votes_carried": len(carried)},
        )
        _tell(source, actor, {"status": "merged", "into": target.title})
    return target
