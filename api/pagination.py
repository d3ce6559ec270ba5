"""Pages by cursor. Streams of posts page on their keyset (created_at, id) through
`posts.selectors.stream_page`; notifications on theirs; other lists (directory,
members, search results) by an opaque cursor over their own order."""

import base64
import binascii

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


def page_size(request, default: int | None = None) -> int:
    default = default or settings.RSE_API_PAGE_SIZE
    raw = request.query_params.get("page_size")
    if raw is None or raw == "":
        return default
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= settings.RSE_API_PAGE_SIZE_MAX:
        raise ValidationError(
            {
                "page_size": [
                    _("A whole number from 1 to %(max)d.") % {"max": settings.RSE_API_PAGE_SIZE_MAX}
                ]
            }
        )
    return size


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith("o") and raw[1:].isdigit():
            return int(raw[1:])
    except (ValueError, UnicodeDecodeError, binascii.Error):
        pass
    raise ValidationError({"cursor": [_("This cursor is not valid: use the next one given.")]})


def next_url(request, cursor: str | None) -> str | None:
    if not cursor:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(request.path + "?" + params.urlencode())


def offset_page(request, queryset, *, cap: int | None = None) -> tuple[list, str | None]:
    """One page of an ordered queryset after the cursor: the rows and the next cursor.
    `cap` stops the pages where the page's list stops (search: RSE_SEARCH_MAX_RESULTS)."""
    size = page_size(request)
    start = decode_offset(request.query_params.get("cursor"))
    if cap is not None and start >= cap:
        return [], None
    rows = list(queryset[start : start + size + 1])
    more = len(rows) > size and (cap is None or start + size < cap)
    return rows[:size], encode_offset(start + size) if more else None
