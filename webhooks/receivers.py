"""Signals from the layers below, each handed to a service (inside the sender's
transaction: the deliveries are written with it and sent once it commits)."""

from .models import Event
from .services import event_emit, hooks_delete_of_erased


def post_published(sender, *, post, **kwargs) -> None:
    if post.community_id is not None:
        event_emit(
            community_id=post.community_id, event=Event.POST_PUBLISHED, refs={"post": post.pk}
        )


def comment_added(sender, *, comment, **kwargs) -> None:
    community_id = comment.post.community_id
    if community_id is not None:
        event_emit(
            community_id=community_id,
            event=Event.COMMENT_ADDED,
            refs={"comment": comment.pk, "post": comment.post_id},
        )


def member_joined(sender, *, membership, **kwargs) -> None:
    event_emit(
        community_id=membership.community_id,
        event=Event.MEMBER_JOINED,
        refs={"membership": membership.pk, "person": membership.user_id},
    )


def member_left(sender, *, membership, **kwargs) -> None:
    event_emit(
        community_id=membership.community_id,
        event=Event.MEMBER_LEFT,
        refs={
            "membership": membership.pk,
            "person": membership.user_id,
            "status": membership.status,
        },
    )


def case_decided(sender, *, case, decision, **kwargs) -> None:
    if case.community_id is not None:
        event_emit(
            community_id=case.community_id,
            event=Event.CASE_DECIDED,
            refs={
                "case": case.pk,
                "decision": decision.pk,
                "outcome": decision.outcome,
                "post": case.post_id,
                "comment": case.comment_id,
            },
        )


def person_erased(sender, *, user, **kwargs) -> dict[str, int]:
    return hooks_delete_of_erased(user=user)
