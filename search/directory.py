"""The people directory's search: the name box reads search's folded-name column, so
the directory's reads live in the search app (profiles stays below it)."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    F,
    IntegerField,
    Max,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Lower

from access.people import users_visible_to
from profiles.models import LEVEL_RANK, Skill, User, normalize_skill_name
from profiles.selectors import user_skills_ranked

from .selectors import people_named


@dataclass(frozen=True)
class DirectoryQuery:
    name: str = ""
    skill: str = ""
    department: str = ""
    site: str = ""
    language: str = ""


def directory_search(viewer, query: DirectoryQuery) -> QuerySet[User]:
    """Active people `viewer` may find, filtered by every criterion given.

    With a skill, people holding a matching skill come first by level, then by
    endorsements; otherwise by name.
    """
    people = people_named(users_visible_to(viewer).filter(is_active=True), query.name)
    if query.department:
        people = people.filter(department=query.department)
    if query.site:
        people = people.filter(site=query.site)
    if query.language.strip():
        people = people.filter(profile__languages__icontains=query.language.strip())
    ordering: list = ["last_name", "first_name", "pk"]
    if query.name.strip():
        # The same order, case aside, read on no index: the few people named so are
        # found through the name's trigram index, then sorted. (Walking the alphabetical
        # index instead, the planner read 33,000 people to reach the Mullers.)
        ordering = [Lower("last_name"), Lower("first_name"), "pk"]
    key = normalize_skill_name(query.skill)
    skills: list[int] = []
    if key:
        skills = list(Skill.objects.filter(normalized__contains=key).values_list("pk", flat=True))
    if len(skills) == 1:
        # One skill matches (the usual case): one row per person, no grouping, and the
        # ranking is the order of the userskill_ranked index.
        people = people.filter(user_skills__skill_id=skills[0]).annotate(
            skill_rank=Case(
                *(
                    When(user_skills__level=level, then=Value(rank))
                    for level, rank in LEVEL_RANK.items()
                ),
                default=Value(0),
                output_field=IntegerField(),
            ),
            skill_endorsements=F("user_skills__endorsements_count"),
        )
        ordering = ["-skill_rank", "-skill_endorsements", *ordering]
    elif key:
        # The filter comes before the annotations, so they read the matching skill only.
        people = people.filter(user_skills__skill__normalized__contains=key).annotate(
            skill_rank=Max(
                Case(
                    *(
                        When(user_skills__level=level, then=Value(rank))
                        for level, rank in LEVEL_RANK.items()
                    ),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
            skill_endorsements=Max("user_skills__endorsements_count"),
        )
        ordering = ["-skill_rank", "-skill_endorsements", *ordering]
    return (
        people.select_related("profile")
        .prefetch_related(
            Prefetch("user_skills", queryset=user_skills_ranked(), to_attr="ranked_skills")
        )
        .order_by(*ordering)
    )
