"""Telling people about an event, for the layers below `notifications`.

Communities, people and posts tell people what happened to them (an invitation, a
new follower, a mention, a comment, a like) without importing the notifications app,
which sits above them: they call `notify` here, and the notifications app registers
the function that does it (`notifications.services.notify`, in its `ready()`).
`kind` is one of the values of `notifications.models.Kind`, checked there.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_sender: Callable[..., Any] | None = None


def register(sender: Callable[..., Any]) -> None:
    """Called once by the notifications app."""
    global _sender
    _sender = sender


def notify(**kwargs) -> Any:
    """`notifications.services.notify(**kwargs)`: same arguments, same transaction."""
    if _sender is None:
        raise ImproperlyConfigured("The notifications app is not installed: nobody can be told.")
    return _sender(**kwargs)
