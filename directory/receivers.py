"""What the directory does when other apps signal (profiles.events)."""

from . import services


def person_erased(sender, *, user, **kwargs) -> dict[str, int]:
    return services.entry_delete_of_erased(user=user)
