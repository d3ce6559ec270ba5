"""The moderation link and the counter of open cases in the navigation.

Non-moderators cost no query: whether someone moderates is noted in their session at
sign-in (and refreshed when they open the queue); superusers always see it. For those
who moderate, the counter is one query, run only when the template shows it and the
cache has no current figure.
"""

from functools import cache

from access.viewer import as_viewer

from .selectors import open_cases_count

SESSION_KEY = "moderation.moderates"


def moderation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not (user.is_superuser or request.session.get(SESSION_KEY)):
        return {}
    # A callable: the template reads the counter only where it shows it; through the
    # viewer, from the cache while no case opened or closed (core.navcounters).
    viewer = getattr(request, "viewer", None) or as_viewer(user)
    count = cache(lambda: viewer.counter("cases", lambda: open_cases_count(user)))
    return {"moderation_nav": True, "moderation_open_cases": count}
