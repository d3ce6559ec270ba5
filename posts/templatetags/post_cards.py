"""What a post card shows besides its text: relative times, a document's type."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from core.wording import elides

register = template.Library()

RECENT = timedelta(days=7)


@register.filter
def relative_time(value: datetime | None) -> str:
    """ "just now", "3 hours ago" (one unit) within a week; the date after that."""
    if not value:
        return ""
    now = timezone.now()
    age = now - value
    if age < timedelta(minutes=1):
        return _("just now")
    if age < RECENT:
        return _("%(time)s ago") % {"time": timesince(value, now, depth=1)}
    local = timezone.localtime(value)
    if local.year == timezone.localtime(now).year:
        return date_format(local, "MONTH_DAY_FORMAT")
    return date_format(local, "DATE_FORMAT")


@register.filter
def document_type(name: str) -> str:
    """The upper-case extension of a file name ("PDF", "DOCX"), or ""."""
    stem, dot, extension = (name or "").rpartition(".")
    return extension.upper()[:5] if dot and stem and extension.isalnum() else ""


@register.filter
def images(attachments) -> list:
    return [a for a in attachments if a.kind == "image"]


@register.filter
def documents(attachments) -> list:
    return [a for a in attachments if a.kind != "image"]


@register.simple_tag
def prepare_cards(posts) -> str:
    """`{% prepare_cards page.posts %}`: the shared part of each card from the cache
    (posts.card_cache), for posts the stream already selected for this reader."""
    from ..card_cache import prepare_cards as prepare

    prepare(list(posts))
    return ""


@register.filter
def page_tags(posts) -> list:
    """`{{ page.posts|page_tags }}`: the tags most carried on a stream page (no query)."""
    from ..selectors import tags_of_page

    return tags_of_page(list(posts))


@register.filter(name="elides")
def elides_filter(name: str) -> bool:
    """`{% if name|elides %}`: the name starts with a vowel (templates pick the
    translation marked with the context "elided" then; core's `elision` filter does it
    in one tag)."""
    return elides(name)
