"""The moderation link and the counter of open cases in the navigation.

Non-moderators cost no query: whether someone moderates is noted in their session at
sign-in (and refreshed when they open the queue); superusers always see it. For those
who moderate, the counter is one query, run only when the template shows it.
"""

from functools import cache

from .selectors import open_cases_count

SESSION_KEY = "moderation.moderates"


def moderation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not (user.is_superuser or request.session.get(SESSION_KEY)):
        return {}
    # A callable: the template runs the query only where it shows the counter.
    return {"moderation_nav": True, "moderation_open_cases": cache(lambda: open_cases_count(user))}
