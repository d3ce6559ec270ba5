from django.utils.functional import cached_property

from .selectors import UNREAD_CAP, unread_count


class UnreadCounter:
    """The unread counter of the navigation, counted (one query) only when a
    template shows it, and once per request."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self) -> int:
        return unread_count(self.user)

    @property
    def capped(self) -> bool:
        return self.count > UNREAD_CAP

    @property
    def label(self) -> str:
        return f"{UNREAD_CAP}+" if self.capped else str(self.count)


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": UnreadCounter(user)}
