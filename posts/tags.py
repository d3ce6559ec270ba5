"""Tags: one spelling per idea. Case, spaces and accents do not make a new tag:
"Sécurité", "securite" and " SECURITÉ " are the same tag (looked up by slug)."""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag


def normalize_tag(name: str) -> str:
    """Lower case, trimmed, inner spaces collapsed; a leading # is dropped."""
    name = unicodedata.normalize("NFC", name or "").strip().lstrip("#").strip()
    return re.sub(r"\s+", " ", name).lower()


def tag_slug(name: str) -> str:
    """Accent-insensitive key: ASCII when possible, Unicode letters otherwise."""
    return slugify(name) or slugify(name, allow_unicode=True)


def parse_tags(text: str) -> list[str]:
    """Comma-separated tags as typed, normalized, without duplicates, within limits."""
    names: list[str] = []
    slugs: set[str] = set()
    for raw in (text or "").split(","):
        name = normalize_tag(raw)
        if not name:
            continue
        if len(name) > settings.RSE_TAG_MAX_CHARS:
            raise ValidationError(
                _("The tag “%(tag)s” is too long: at most %(limit)d characters.")
                % {"tag": name[:60], "limit": settings.RSE_TAG_MAX_CHARS}
            )
        slug = tag_slug(name)
        if not slug:
            raise ValidationError(
                _("The tag “%(tag)s” needs at least one letter or digit.") % {"tag": name}
            )
        if slug in slugs:
            continue
        slugs.add(slug)
        names.append(name)
    if len(names) > settings.RSE_TAGS_PER_POST:
        raise ValidationError(
            _("A post may carry up to %(limit)d tags.") % {"limit": settings.RSE_TAGS_PER_POST}
        )
    return names


def tags_get_or_create(names: list[str]) -> list[Tag]:
    """The existing tag with the same slug, or a new one spelled as first typed."""
    tags = []
    for name in names:
        slug = tag_slug(name)
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(
                name=name, slug=slug
            )
        tags.append(tag)
    return tags
