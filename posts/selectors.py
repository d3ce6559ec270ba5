"""Reads about posts: the one place where "who may read which post" lives.

Streams, tag pages, profiles, search, notifications, e-mails and counts all start
from `posts_readable_by` (DESIGN §3, rules 2 and 7).
"""

from django.db.models import Q, QuerySet

from communities.selectors import communities_readable_by

from .models import Comment, Post, Status


def _is_person(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def posts_readable_by(user, *, statuses: tuple[str, ...] = (Status.PUBLISHED,)) -> QuerySet[Post]:
    """Published posts `user` may read: those of the communities they may read, and,
    for employees, posts on people's profiles (never shown to externals).

    `statuses` widens the set to, say, deleted posts the user could read, so that a
    page can say "this post was deleted" instead of a bare 404."""
    if not _is_person(user):
        return Post.objects.none()
    readable = Q(community__in=communities_readable_by(user).values("pk"))
    if user.kind == "employee" or user.is_superuser:
        readable |= Q(community__isnull=True)
    return Post.objects.filter(readable, status__in=statuses)


def comments_readable_by(user) -> QuerySet[Comment]:
    """Published comments on posts `user` may read."""
    return Comment.objects.filter(
        status=Status.PUBLISHED, post__in=posts_readable_by(user).values("pk")
    )


def is_post_readable_by(user, post: Post) -> bool:
    return posts_readable_by(user).filter(pk=post.pk).exists()
