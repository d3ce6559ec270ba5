"""Reads about alerts: levels with their defaults, who a post's alerts go to."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from taggit.models import Tag

from access.readers import readers_of
from communities.models import Community, Membership
from notifications.models import Kind
from posts.models import CommunityFollow, Post, TagFollow
from profiles.models import User

from .models import CommunityAlert, Level, TagAlert


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
