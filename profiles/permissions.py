"""Who may do what with people: one function per verb."""

from .models import User


def can_use_directory(user) -> bool:
    """The company directory, its search and the skill suggestions: active employees only."""
    return bool(user.is_authenticated and user.is_active and user.kind == User.Kind.EMPLOYEE)


def can_endorse(actor, user_skill) -> bool:
    return actor.is_active and actor.pk != user_skill.user_id and user_skill.user.is_active


def can_follow(actor, user) -> bool:
    return actor.is_active and actor.pk != user.pk and user.is_active
