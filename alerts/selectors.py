"""Reads about alerts: levels with their defaults, who a post's alerts go to."""

from django.conf import settings
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone
from taggit.models import Tag

from access import roles
from access.posts import posts_readable_by
from access.readers import readers_of
from communities.models import Community, Membership
from notifications.models import Kind
from posts.models import CommunityFollow, Post, TagFollow
from profiles.models import User

from .models import CommunityAlert, Level, Pin, Receipt, TagAlert


def default_community_level(community: Community) -> str:
    """Every post for small communities; announcements and mentions only from
    RSE_ALERTS_LARGE_COMMUNITY members on."""
    if community.members_count >= settings.RSE_ALERTS_LARGE_COMMUNITY:
        return Level.HIGHLIGHTS
    return Level.ALL


def default_tag_level() -> str:
    level = settings.RSE_ALERTS_TAG_DEFAULT
    return level if level in Level.values else Level.ALL


def community_level_of(user, community: Community) -> str:
    chosen = CommunityAlert.objects.filter(user=user, community=community)
    return chosen.values_list("level", flat=True).first() or default_community_level(community)


def tag_level_of(user, tag: Tag) -> str:
    chosen = TagAlert.objects.filter(user=user, tag=tag).values_list("level", flat=True).first()
    return chosen or default_tag_level()


def subscribed_communities_of(user) -> list[tuple[Community, str, bool]]:
    """The communities `user` is an active member of or follows, with their alert level
    and whether it is their own choice (three queries whatever their number)."""
    member = Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
        "community_id"
    )
    followed = CommunityFollow.objects.filter(user=user).values("community_id")
    communities = list(
        Community.objects.filter(Q(pk__in=member) | Q(pk__in=followed)).order_by("name", "pk")
    )
    chosen = dict(
        CommunityAlert.objects.filter(user=user, community__in=communities).values_list(
            "community_id", "level"
        )
    )
    return [
        (c, chosen.get(c.pk) or default_community_level(c), c.pk in chosen) for c in communities
    ]


def followed_tags_of(user) -> list[tuple[Tag, str]]:
    tags = list(Tag.objects.filter(follows__user=user).order_by("slug"))
    chosen = dict(TagAlert.objects.filter(user=user, tag__in=tags).values_list("tag_id", "level"))
    return [(t, chosen.get(t.pk) or default_tag_level()) for t in tags]


def _with_level(
    people: QuerySet[User], model, field: str, target_id: int, default: str, wanted: set[str]
) -> QuerySet[User]:
    """`people` whose level for one community or tag is in `wanted` (their own choice,
    else `default`)."""
    rows = model.objects.filter(user=OuterRef("pk"), **{field: target_id})
    chose_wanted = Exists(rows.filter(level__in=wanted))
    chose_other = Exists(rows.exclude(level__in=wanted))
    if default in wanted:
        return people.filter(~chose_other)
    return people.filter(chose_wanted)


def alert_candidates(post: Post, kind: str) -> QuerySet[User]:
    """Who `post`'s alert of `kind` goes to — before the reading rule, which
    `recipients_of` applies. New posts: subscribers (active members and followers) of
    its community at level "every post", and followers of its tags at that level.
    Announcements: subscribers at any level but "nothing"; site-wide: every employee."""
    people = User.objects.exclude(pk=post.author_id)
    if kind == Kind.ANNOUNCEMENT:
        if post.community_id is None:
            return people
        wanted: set[str] = {Level.ALL, Level.HIGHLIGHTS}
    else:
        wanted = {Level.ALL.value}
    sources = Q(pk__in=[])
    community = post.community
    if community is not None:
        subscribers = people.filter(
            Q(
                community_memberships__community_id=community.pk,
                community_memberships__status=Membership.Status.ACTIVE,
            )
            | Q(pk__in=CommunityFollow.objects.filter(community=community).values("user_id"))
        )
        subscribers = _with_level(
            subscribers,
            CommunityAlert,
            "community_id",
            community.pk,
            default_community_level(community),
            wanted,
        )
        sources |= Q(pk__in=subscribers.values("pk"))
    if kind == Kind.NEW_POST:
        for tag_id in post.tags.values_list("pk", flat=True):
            followers = people.filter(
                pk__in=TagFollow.objects.filter(tag_id=tag_id).values("user_id")
            )
            followers = _with_level(
                followers, TagAlert, "tag_id", tag_id, default_tag_level(), wanted
            )
            sources |= Q(pk__in=followers.values("pk"))
    return people.filter(sources)


def recipients_of(post: Post, kind: str) -> QuerySet[User]:
    """`alert_candidates` who may read the post now (checked again at send time)."""
    return readers_of(post, alert_candidates(post, kind))


# Pins and announcements ----------------------------------------------------------------


def live_pins(viewer, community: Community | None) -> list[Pin]:
    """The pinned posts and announcements `viewer` sees at the top of `community` (or,
    for None, of their home: site-wide announcements), not dismissed, not expired, not
    lifted, in a community not archived, on a post they may read; announcements first.
    Each carries `seen` (whether this viewer has a receipt). One query."""
    if not viewer.is_person:
        return []
    now = timezone.now()
    pins = Pin.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        lifted_at__isnull=True,
        post__in=posts_readable_by(viewer).values("pk"),
    )
    if community is None:
        pins = pins.filter(community__isnull=True, kind=Pin.Kind.ANNOUNCEMENT)
    else:
        pins = pins.filter(community=community).exclude(community__state=Community.State.ARCHIVED)
    mine = Receipt.objects.filter(pin=OuterRef("pk"), user=viewer.user)
    pins = pins.annotate(seen=Exists(mine)).exclude(Exists(mine.filter(dismissed_at__isnull=False)))
    order = Case(When(kind=Pin.Kind.ANNOUNCEMENT, then=Value(0)), default=Value(1))
    return list(
        pins.select_related("post", "post__author", "community")
        .annotate(first=order)
        .order_by("first", "-created_at", "-pk")[: settings.RSE_PINS_PER_COMMUNITY + 10]
    )


def get_pin_or_404(viewer, pk: int) -> Pin:
    """A live or lifted pin on a post `viewer` may read, else 404."""
    return get_object_or_404(
        Pin.objects.select_related("post", "post__author", "community").filter(
            post__in=posts_readable_by(viewer).values("pk")
        ),
        pk=pk,
    )


def reach_of(pin: Pin) -> tuple[int, int]:
    """(seen, readers): "seen by N of M". Readers are the community's members (site-wide:
    active employees), counted now; never fewer than those who saw it."""
    if pin.community_id is None:
        readers = User.objects.filter(is_active=True, kind=roles.EMPLOYEE).count()
    else:
        readers = Community.objects.values_list("members_count", flat=True).get(pk=pin.community_id)
    return pin.seen_count, max(readers, pin.seen_count)


def not_seen_by(pin: Pin) -> QuerySet[User]:
    """Active members of the pin's community who have not seen it (for the managers of
    closed communities only: `permissions.can_see_unseen_list`)."""
    seen = Receipt.objects.filter(pin=pin).values("user_id")
    return (
        User.objects.filter(
            community_memberships__community=pin.community,
            community_memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .exclude(pk__in=seen)
        .exclude(pk=pin.post.author_id)
        .order_by("last_name", "first_name", "pk")
    )


def live_pin_of(post: Post) -> Pin | None:
    now = timezone.now()
    return (
        Pin.objects.filter(post=post, lifted_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("post", "community")
        .first()
    )
