"""Counting who reads, for the layers below the observatory.

The community and post pages say that someone read a community (`record`) without
importing the observatory, which sits above them: the observatory registers the
function that counts (`observatory.services.reading_record`, in its `ready()`).
Without it (the app not installed), reading is simply not counted.
"""

from collections.abc import Callable
from typing import Any

_recorder: Callable[..., Any] | None = None


def register(recorder: Callable[..., Any]) -> None:
    """Called once by the observatory app."""
    global _recorder
    _recorder = recorder


def record(user, community_id: int | None) -> None:
    """`user` opened a page of the community `community_id` (None: outside any community)."""
    if _recorder is not None:
        _recorder(user=user, community_id=community_id)
