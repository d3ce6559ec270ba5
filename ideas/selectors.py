"""Reads about ideas. Lists start from `access.ideas.ideas_readable_by`."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from access import ideas as idea_rules
from posts.models import Post

from .models import Idea, Vote

SORTS = ("votes", "newest", "status")
STATUS_ORDER = Case(
    *(When(idea__status=s, then=Value(n)) for n, s in enumerate(Idea.Status.values)),
    output_field=IntegerField(),
)


def ideas_of(viewer, community, sort: str = "votes", status: str = "") -> QuerySet[Post]:
    posts = idea_rules.ideas_readable_by(viewer).filter(community=community)
    if status in Idea.Status.values:
        posts = posts.filter(idea__status=status)
    else:
        posts = posts.exclude(idea__status=Idea.Status.MERGED)
    posts = posts.select_related("idea", "author", "author__profile")
    if sort == "newest":
        return posts.order_by("-created_at", "-pk")
    if sort == "status":
        return posts.annotate(status_rank=STATUS_ORDER).order_by(
            "status_rank", "-idea__votes_count", "-pk"
        )
    return posts.order_by("-idea__votes_count", "-created_at", "-pk")


def voted_ids(user, posts) -> set[int]:
    return set(
        Vote.objects.filter(user_id=user.pk, idea_id__in=[p.pk for p in posts]).values_list(
            "idea_id", flat=True
        )
    )


def merge_targets(viewer, idea: Idea) -> QuerySet[Post]:
    return (
        idea_rules.ideas_readable_by(viewer)
        .filter(community=idea.post.community)
        .exclude(pk=idea.pk)
        .exclude(idea__status=Idea.Status.MERGED)
        .select_related("idea")
        .order_by("-idea__votes_count", "-pk")[:50]
    )
