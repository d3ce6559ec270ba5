"""Events (a post that is an event): who may create one, answer it, cancel it, and see
who comes. Built on the rules of posts: an event is read wherever its post is, and
its attendees are shown to those who may read it."""

from django.db.models import QuerySet

from communities.models import Community
from posts.models import Post

from .moderation import can_moderate_in
from .posts import can_contribute, posts_readable_by
from .viewer import as_viewer


def events_readable_by(who, **kwargs) -> QuerySet[Post]:
    """The posts that are events the viewer may read."""
    return posts_readable_by(who, **kwargs).filter(event__isnull=False)


def can_create_event(who, community: Community | None) -> bool:
    return can_contribute(who, community)


def can_rsvp(who, post: Post, event) -> bool:
    """Answer an event: contribute where it is, while it is neither cancelled nor over
    (the caller read the post through the reading rule)."""
    return (
        post.is_published
        and not event.is_cancelled
        and not event.is_past
        and can_contribute(who, post.community)
    )


def can_cancel(who, post: Post, event) -> bool:
    """The organiser (the post's author) while they may contribute, or a manager or
    moderator of the community (site moderators anywhere)."""
    viewer = as_viewer(who)
    if not viewer.is_person or not post.is_published or event.is_cancelled:
        return False
    if post.author_id == viewer.pk:
        return can_contribute(viewer, post.community)
    return can_moderate_in(viewer, post.community)
