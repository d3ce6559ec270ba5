"""Per-person counters of the navigation (unread notifications, open moderation
cases), kept in Django's cache instead of counted on every page (issue 26).

One entry per person, `nav:<id>`: {"gen": <generation>, "v": <version>, "<name>":
<count>, ...}.
- What changes one person's counts (a notification created for them or read by
  them, their memberships, their roles) calls `forget(person id)`, which gives the
  person's version `nav:v:<id>` a new value: every entry of another version is counted
  afresh.
- What may change anyone's (a post, comment or community whose readability changes,
  a case opened or closed) calls `access_changed()`, which moves the shared
  generation `nav:gen` on: every entry of an older generation is counted afresh.
Both act at once and again when the transaction commits, and an entry records the
generation and version read *before* its counts were: a page that counted from the data
before a commit and stores its figure after it stores it under the old version, which
no page takes. Entries also expire
after RSE_NAV_COUNTERS_SECONDS, which bounds what a missed invalidation could cost;
0 turns the cache off (every page counts, as before).

A count is a number only, never content; it still drops at once when access is lost
(tests/test_navcounters.py).
"""

import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GEN_KEY = "nav:gen"

T = TypeVar("T")


def _key(user_id: int) -> str:
    return f"nav:{user_id}"


def _version_key(user_id: int) -> str:
    return f"nav:v:{user_id}"


def enabled() -> bool:
    return settings.RSE_NAV_COUNTERS_SECONDS > 0


def read(user_id: int, name: str, compute: Callable[[], T]) -> T:
    """The count `name` of person `user_id`: from the cache when it is of the current
    generation and of the person's current version, else computed (`compute()`) and
    kept. One cache round trip on a hit."""
    if not enabled() or user_id is None:
        return compute()
    key, version_key = _key(user_id), _version_key(user_id)
    found = cache.get_many([GEN_KEY, version_key, key])
    stamp = {"gen": found.get(GEN_KEY, 0), "v": found.get(version_key)}
    found_entry = found.get(key)
    entry: dict = found_entry if isinstance(found_entry, dict) else {}
    current = bool(entry) and all(entry.get(k) == stamp[k] for k in stamp)
    if current and name in entry:
        return entry[name]
    value = compute()
    entry = {**(entry if current else stamp), name: value}
    cache.set(key, entry, settings.RSE_NAV_COUNTERS_SECONDS)
    return value


def _forget(user_ids: tuple[int, ...]) -> None:
    # A value never used before: entries stored under any earlier one are stale.
    version = uuid.uuid4().hex
    seconds = settings.RSE_NAV_COUNTERS_SECONDS
    cache.set_many({_version_key(pk): version for pk in user_ids}, seconds)


def forget(*user_ids: int | None) -> None:
    """Count again the counters of these people (now, and after the commit)."""
    ids = tuple(pk for pk in user_ids if pk is not None)
    if not ids or not enabled():
        return
    _forget(ids)
    transaction.on_commit(lambda: _forget(ids))


def _bump() -> None:
    try:
        cache.incr(GEN_KEY)
    except ValueError:
        # Not there yet, or evicted: a value never used before (the clock's), so that
        # no entry of an earlier generation can match it again.
        if not cache.add(GEN_KEY, time.time_ns(), None):
            cache.incr(GEN_KEY)


def access_changed() -> None:
    """Count everyone's counters again (now, and after the commit)."""
    if not enabled():
        return
    _bump()
    connection = transaction.get_connection()
    # Once per transaction (deleting a community deletes each of its posts).
    if not any(entry[1] is _bump for entry in connection.run_on_commit):
        transaction.on_commit(_bump)
