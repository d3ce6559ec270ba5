"""Reads about people. Every page, search and suggestion starts from these querysets."""

from django.core.cache import cache
from django.db.models import (
    Case,
    IntegerField,
    QuerySet,
    Value,
    When,
)

from access.people import users_visible_to

from .models import LEVEL_RANK, Follow, Skill, User, UserSkill, normalize_skill_name

SUGGESTIONS_LIMIT = 10
TOP_SKILLS = 3


def level_rank() -> Case:
    return Case(
        *(When(level=level, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def user_skills_ranked() -> QuerySet[UserSkill]:
    """Skills of people, best first: level, then endorsements, then name."""
    return (
        UserSkill.objects.select_related("skill")
        .annotate(rank=level_rank())
        .order_by("-rank", "-endorsements_count", "skill__normalized")
    )


CHOICES_CACHE_SECONDS = 300


def directory_choices(viewer) -> tuple[list[str], list[str]]:
    """Departments and sites present among the people `viewer` may find.

    Read in one pass over the people, and kept a few minutes for this viewer only
    (never shared between viewers: what an external may find depends on them)."""
    key = f"profiles:directory-choices:{viewer.pk}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    pairs = (
        users_visible_to(viewer)
        .filter(is_active=True)
        .order_by()
        .values_list("department", "site")
        .distinct()
    )
    departments, sites = set(), set()
    for department, site in pairs:
        departments.add(department)
        sites.add(site)
    choices = (sorted(departments - {""}), sorted(sites - {""}))
    cache.set(key, choices, CHOICES_CACHE_SECONDS)
    return choices


def followed_ids(viewer, people) -> set[int]:
    """Which of `people` the viewer follows, in one query."""
    return set(
        Follow.objects.filter(follower=viewer, followed__in=[p.pk for p in people]).values_list(
            "followed_id", flat=True
        )
    )


def skills_suggested(viewer, text: str) -> list[str]:
    """Skill names of the shared vocabulary matching what is typed, for autocomplete."""
    key = normalize_skill_name(text)
    if not key:
        return []
    matches = Skill.objects.filter(normalized__contains=key).annotate(
        starts=Case(
            When(normalized__startswith=key, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    return list(
        matches.order_by("starts", "normalized").values_list("name", flat=True)[:SUGGESTIONS_LIMIT]
    )


def followers_of(viewer, user) -> QuerySet[User]:
    """Everyone counted in the stored counter; former employees show with their marker."""
    return (
        users_visible_to(viewer)
        .filter(following_links__followed=user)
        .select_related("profile")
        .order_by("last_name", "first_name", "pk")
    )


def following_of(viewer, user) -> QuerySet[User]:
    return (
        users_visible_to(viewer)
        .filter(follower_links__follower=user)
        .select_related("profile")
        .order_by("last_name", "first_name", "pk")
    )
