from django.utils.functional import cached_property

from access.viewer import as_viewer

from .selectors import UNREAD_CAP, unread_count


class UnreadCounter:
    """The unread counter of the navigation, read only when a template shows it,
    once per request, through the viewer: from the cache while no notification of the
    person and nothing of their access changed (core.navcounters), else one query."""

    def __init__(self, viewer):
        self.viewer = viewer

    @cached_property
    def count(self) -> int:
        return self.viewer.counter("unread", lambda: unread_count(self.viewer.user))

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
    viewer = getattr(request, "viewer", None) or as_viewer(user)
    return {"notifications_unread": UnreadCounter(viewer)}
