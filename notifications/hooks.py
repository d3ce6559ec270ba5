"""Hooks for the apps above `notifications` (DESIGN §2: a lower layer calls a higher
one through a registry, never an import).

The alerts app registers, in its `ready()`:
- `on_created(fn)`: called with each new notification, inside the transaction that
  created it (push to phones is scheduled there, on commit);
- `set_delivery_gate(fn)`: asked before an immediate e-mail leaves, `fn(notification,
  channel)` answers True when it may leave now; when it answers False it has held
  the delivery itself (quiet hours) and will send it later.
Without the alerts app, nothing is held and nothing else is told.
"""

from collections.abc import Callable
from typing import Any

_created: list[Callable[[Any], None]] = []
_gate: Callable[[Any, str], bool] | None = None


def on_created(fn: Callable[[Any], None]) -> None:
    if fn not in _created:
        _created.append(fn)


def set_delivery_gate(fn: Callable[[Any, str], bool]) -> None:
    global _gate
    _gate = fn


def created(notification) -> None:
    for fn in _created:
        fn(notification)


def may_deliver_now(notification, channel: str) -> bool:
    return _gate is None or _gate(notification, channel)
