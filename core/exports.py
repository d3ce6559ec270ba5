"""The sections of "Download my data", for every layer.

An archive of a person's data (`privacy`, at the top of the layers) is made of
sections: each one names a JSON file of the archive and collects the rows of one
category of personal data. The privacy app registers the sections of the apps it
knows; an app it does not know (the API's tokens, a future app) registers its own
here, from its `AppConfig.ready()`, without importing the privacy app:

    from core import exports

    @exports.section("api_tokens", _("API tokens"), order=150)
    def api_tokens(user):
        return [{"name": t.name, "created_at": t.created_at} for t in user.api_tokens.all()]

A section returns a list of JSON-serialisable dicts (dates are written as ISO 8601),
only what the person may see: their own data, and of other people only what those
people published where the person could read it. `files(user)` (optional) yields the
stored files to include (`ExportFile`: storage name and path in the archive).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class ExportFile:
    storage_name: str  # name in Django's default storage
    archive_path: str  # where it goes in the archive (under files/)
    size: int


@dataclass(frozen=True)
class ExportSection:
    name: str
    title: Any  # a lazily translated string
    collect: Callable[[Any], Rows]
    order: int
    files: Callable[[Any], Iterable[ExportFile]] | None = None


_sections: dict[str, ExportSection] = {}


def section(
    name: str,
    title: Any,
    *,
    order: int = 100,
    files: Callable[[Any], Iterable[ExportFile]] | None = None,
) -> Callable[[Callable[[Any], Rows]], Callable[[Any], Rows]]:
    """Register `collect(user) -> rows` as the section `name` (a file name: letters,
    digits and underscores). Registering a name twice replaces the earlier one."""
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise ValueError(f"Section names are letters, digits and underscores: {name!r}")

    def decorator(collect: Callable[[Any], Rows]) -> Callable[[Any], Rows]:
        _sections[name] = ExportSection(name, title, collect, order, files)
        return collect

    return decorator


def sections() -> list[ExportSection]:
    """Every registered section, in their order."""
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))
