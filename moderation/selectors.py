"""Reads about moderation used by the rest of the product."""

from communities.models import Community


def is_muted(user, community: Community | None = None) -> bool:
    """Whether `user` is muted site-wide, or in `community` when one is given.

    Mutes are sanctions decided in the moderation queue; until one is decided nobody is
    muted. Every contribution permission asks this question.
    """
    return False
