"""Tags: one tag per idea. Case, spaces and accents do not make a new tag:
"Sécurité", "securite" and " SECURITÉ " are the same tag (looked up by slug).

What anyone sees never depends on what others wrote, where they may not read: a post
shows each tag as its author typed it (normalized), kept on the post's link to the
tag; the tag itself (its page, search, suggestions) is named from its slug alone
(`tag_display_name`). Reusing the spelling that first created the tag would show,
on a new post, a spelling — or an existence — learnt from a hidden post.
"""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from .models import TaggedPost


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


def tag_display_name(slug: str) -> str:
    """A tag's own name: its slug with spaces, never a spelling someone typed."""
    return slug.replace("-", " ")


def tags_get_or_create(names: list[str]) -> list[Tag]:
    """The tag of each name's slug, created (named from the slug) when new."""
    tags = []
    for name in names:
        slug = tag_slug(name)
        tag, _created = Tag.objects.get_or_create(
            slug=slug, defaults={"name": tag_display_name(slug)}
        )
        tags.append(tag)
    return tags


def post_tags_set(post, names: list[str]) -> None:
    """Tag `post` with `names`, each link keeping the spelling its author typed."""
    tags = tags_get_or_create(names)
    post.tags.set(tags)
    for tag, name in zip(tags, names, strict=True):
        TaggedPost.objects.filter(content_object=post, tag=tag).exclude(name=name).update(name=name)
