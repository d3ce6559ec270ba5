"""Reads about notifications.

Every list, count and e-mail starts from `notifications_visible_to`: a notification
about a post, comment or community the recipient may no longer see is dropped in the
query itself (DESIGN §3, rule 7), through the posts and communities selectors.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from access.communities import communities_discoverable_by
from access.posts import comments_readable_by, posts_readable_by

from .models import DEFAULT_EMAIL, EmailMode, EmailSettings, Notification
from .models import NotificationPreference as Preference

# The counter in the navigation stops counting there ("99+").
UNREAD_CAP = 99


def notifications_visible_to(user) -> QuerySet[Notification]:
    """`user`'s notifications whose post, comment and community they may still see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Notification.objects.none()
    # EXISTS, row by row: a person's notifications are few, the readable comments of a
    # company millions (as `IN (…)`, PostgreSQL read them all: a second per page).
    post = posts_readable_by(user).filter(pk=OuterRef("post_id"))
    comment = comments_readable_by(user).filter(pk=OuterRef("comment_id"))
    community = communities_discoverable_by(user).filter(pk=OuterRef("community_id"))
    return Notification.objects.filter(
        Q(post__isnull=True) | Exists(post),
        Q(comment__isnull=True) | Exists(comment),
        Q(community__isnull=True) | Exists(community),
        recipient=user,
    )


def inbox_page(
    user, *, before: tuple[datetime, int] | None = None, size: int | None = None
) -> tuple[list[Notification], tuple[datetime, int] | None]:
    """One page of the inbox, newest first, by keyset (created_at, id): the rows and
    the cursor of the next page (None on the last one). One query."""
    size = size or settings.RSE_NOTIFICATIONS_PAGE_SIZE
    rows = notifications_visible_to(user).select_related(
        "actor", "actor__profile", "community", "post", "post__community", "comment"
    )
    if before is not None:
        at, pk = before
        rows = rows.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    page = list(rows.order_by("-created_at", "-id")[: size + 1])
    if len(page) <= size:
        return page, None
    page = page[:size]
    return page, (page[-1].created_at, page[-1].pk)


def unread_count(user, *, cap: int = UNREAD_CAP) -> int:
    """Unread notifications `user` may see, counted up to cap + 1 (one cheap query)."""
    unread = notifications_visible_to(user).filter(read_at__isnull=True)
    return unread.order_by()[: cap + 1].count()


def email_modes_of(user) -> dict[str, str]:
    """kind → e-mail mode for `user`, defaults filled in (one query)."""
    modes = dict(DEFAULT_EMAIL)
    modes.update(Preference.objects.filter(user=user).values_list("kind", "email"))
    return modes


def email_mode_of(user, kind: str) -> str:
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("email", flat=True)
    return next(iter(chosen), DEFAULT_EMAIL.get(kind, EmailMode.NEVER))


def email_language_of(user) -> str:
    chosen = EmailSettings.objects.filter(user=user).values_list("language", flat=True).first()
    return chosen or settings.LANGUAGE_CODE


def wanted_by_email(notifications: QuerySet[Notification], mode: str) -> QuerySet[Notification]:
    """The notifications whose recipient wants their kind by e-mail in `mode`: their
    own choice for the kind, or the default (decided in SQL, for the digest)."""
    chosen = Preference.objects.filter(user=OuterRef("recipient_id"), kind=OuterRef("kind"))
    default = Case(
        *(When(kind=kind, then=Value(str(default))) for kind, default in DEFAULT_EMAIL.items()),
        default=Value(EmailMode.NEVER.value),
        output_field=CharField(),
    )
    return notifications.annotate(
        email_mode=Coalesce(Subquery(chosen.values("email")[:1]), default)
    ).filter(email_mode=mode)


def digest_recipient_ids(since: datetime, *, after: int = 0, limit: int = 200) -> list[int]:
    """Ids of active people with unread notifications not e-mailed yet since `since`, of
    a kind they want in the daily digest; by increasing id, `limit` at a time after
    `after`."""
    pending = wanted_by_email(
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__gte=since,
            recipient__is_active=True,
            recipient_id__gt=after,
        ),
        EmailMode.DAILY,
    )
    return list(
        pending.order_by("recipient_id").values_list("recipient_id", flat=True).distinct()[:limit]
    )


def digest_items_of(user, since: datetime) -> QuerySet[Notification]:
    """What `user`'s digest holds: visible, unread and not e-mailed yet, recent, of a kind
    they want in the daily digest (what they already read in the app is not repeated)."""
    return (
        wanted_by_email(notifications_visible_to(user), EmailMode.DAILY)
        .filter(emailed_at__isnull=True, read_at__isnull=True, created_at__gte=since)
        .select_related("actor", "community", "post", "post__community", "comment")
        .order_by("created_at", "id")
    )
