"""What the apps above the charter add to its publication, without the charter importing
them (they register here in their `ready()`):

- a *check* takes a draft and returns the reasons it may not be published yet (a
  consultation still open, for instance): publication is refused with those messages;
- an *on published* hook runs inside the publication's transaction (attach a record);
- a *record link* provider returns (label, path) pairs shown on a published version.
"""

from collections.abc import Callable
from typing import Any

_checks: list[Callable[[Any], list[str]]] = []
_on_published: list[Callable[..., None]] = []
_record_links: list[Callable[[Any], list[tuple[str, str]]]] = []


def register(
    *,
    check: Callable[[Any], list[str]] | None = None,
    on_published: Callable[..., None] | None = None,
    record_links: Callable[[Any], list[tuple[str, str]]] | None = None,
) -> None:
    if check is not None and check not in _checks:
        _checks.append(check)
    if on_published is not None and on_published not in _on_published:
        _on_published.append(on_published)
    if record_links is not None and record_links not in _record_links:
        _record_links.append(record_links)


def publication_refusals(version) -> list[str]:
    return [message for check in _checks for message in check(version)]


def published(version, *, actor, request) -> None:
    for hook in _on_published:
        hook(version, actor=actor, request=request)


def record_links(version) -> list[tuple[str, str]]:
    return [link for provider in _record_links for link in provider(version)]
