"""Writes about notifications.

`notify` is the only way to create one: it refuses to tell anyone about a post,
comment or community they may not see (DESIGN §3, rule 7), nor to tell people
about their own actions.
"""

from communities.selectors import is_discoverable_by
from posts.selectors import comments_readable_by, is_post_readable_by

from .models import Kind, Notification


def _may_see(recipient, *, community, post, comment) -> bool:
    if comment is not None and not comments_readable_by(recipient).filter(pk=comment.pk).exists():
        return False
    if post is not None and not is_post_readable_by(recipient, post):
        return False
    return community is None or is_discoverable_by(recipient, community)


def notify(
    *,
    recipient,
    kind: Kind | str,
    actor=None,
    community=None,
    post=None,
    comment=None,
    data: dict | None = None,
) -> Notification | None:
    """Tell `recipient` about something. Returns None (and creates nothing) when the
    recipient is the actor, is no longer active, or may not see what it is about."""
    if not recipient.is_active:
        return None
    if actor is not None and actor.pk == recipient.pk:
        return None
    if not _may_see(recipient, community=community, post=post, comment=comment):
        return None
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        actor=actor,
        community=community,
        post=post,
        comment=comment,
        data=data or {},
    )
