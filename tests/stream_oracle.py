"""The home stream written plainly, as the oracle of the tests: readable posts from
my communities and followed communities, followed people, followed tags, and my own.
The application reads it one way only (`posts.selectors.home_sources`)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from access.posts import posts_readable_by
from communities.models import Membership
from posts.models import CommunityFollow, Post, TagFollow, TaggedPost
from posts.selectors import STREAM_FILTERS
from profiles.models import Follow


def _home_parts(user) -> dict[str, Q]:
    my_communities = Membership.objects.filter(
        user_id=user.pk, status=Membership.Status.ACTIVE
    ).values("community_id")
    followed_communities = CommunityFollow.objects.filter(user_id=user.pk).values("community_id")
    communities = Q(community_id__in=my_communities) | Q(community_id__in=followed_communities)
    people = Q(author_id__in=Follow.objects.filter(follower_id=user.pk).values("followed_id"))
    tags = Q(
        Exists(
            TaggedPost.objects.filter(
                content_object=OuterRef("pk"),
                tag_id__in=TagFollow.objects.filter(user_id=user.pk).values("tag_id"),
            )
        )
    )
    return {
        "communities": communities,
        "people": people,
        "tags": tags,
        "mine": Q(author_id=user.pk),
    }


def home_stream(user, which: str = "all") -> QuerySet[Post]:
    """Each post once."""
    parts = _home_parts(user)
    chosen = parts.get(which) if which in STREAM_FILTERS else None
    if chosen is None:
        chosen = parts["communities"] | parts["people"] | parts["tags"] | parts["mine"]
    return posts_readable_by(user).filter(chosen)
