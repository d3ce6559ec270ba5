"""Variants of a charter version by country or legal entity: which one applies to a
person, what they read, and what makes a set of variants unfit to publish.

A person's `country` (ISO code) and `legal_entity` come from the company directory
(fields of the user). A variant names a country, a legal entity, or both; the one that
applies is the most specific that matches: country *and* entity, then entity alone,
then country alone. Nobody matched: the common text (no variant). Two variants with the
same population are refused (they would be a coin toss), so the choice is never
ambiguous.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import CharterSection, CharterVariant, CharterVersion


def _fold(value: str | None) -> str:
    return (value or "").strip().casefold()


def person_population(user) -> tuple[str, str]:
    """(country, legal entity) of a person, folded for comparison; empty when unknown
    (anonymous visitors too)."""
    return _fold(getattr(user, "country", "")), _fold(getattr(user, "legal_entity", ""))


def _specificity(variant: CharterVariant) -> int:
    # Country and entity (3) beat an entity alone (2), which beats a country alone (1).
    return (2 if variant.legal_entity.strip() else 0) + (1 if variant.country.strip() else 0)


def matches(variant: CharterVariant, country: str, entity: str) -> bool:
    if variant.country.strip() and _fold(variant.country) != country:
        return False
    if variant.legal_entity.strip() and _fold(variant.legal_entity) != entity:
        return False
    return bool(variant.country.strip() or variant.legal_entity.strip())


def choose(variants: Iterable[CharterVariant], user) -> CharterVariant | None:
    """The variant, among those of one version, that applies to `user` (None: common)."""
    country, entity = person_population(user)
    candidates = [v for v in variants if matches(v, country, entity)]
    if not candidates:
        return None
    return max(candidates, key=lambda v: (_specificity(v), -v.pk))


def variant_for(version: CharterVersion, user) -> CharterVariant | None:
    return choose(version.variants.all(), user)


@dataclass
class ShownSection:
    """A section as a reader of one variant sees it."""

    section: CharterSection
    local: bool  # the variant's own (replacing or added)

    def __getattr__(self, name):
        return getattr(self.section, name)


def sections_for(version: CharterVersion, variant: CharterVariant | None) -> list[ShownSection]:
    """The text of `variant` (or the common text): the common sections, each replaced by
    the variant's section of the same number when it has one, and its added sections
    in their position."""
    rows = list(
        CharterSection.objects.filter(version=version).filter(
            Q(variant__isnull=True) | Q(variant=variant) if variant else Q(variant__isnull=True)
        )
    )
    local = {s.number: s for s in rows if s.variant_id is not None}
    shown = []
    for section in rows:
        if section.variant_id is None:
            own = local.get(section.number)
            if own is not None and own.replaces:
                shown.append(ShownSection(own, local=True))
            else:
                shown.append(ShownSection(section, local=False))
        elif not section.replaces:
            shown.append(ShownSection(section, local=True))
    return sorted(shown, key=lambda s: (s.section.position, s.section.pk))


def population_size(variant: CharterVariant) -> int:
    """How many active people the variant's population holds."""
    people = get_user_model().objects.filter(is_active=True)
    if variant.country.strip():
        people = people.filter(country__iexact=variant.country.strip())
    if variant.legal_entity.strip():
        people = people.filter(legal_entity__iexact=variant.legal_entity.strip())
    return people.count()


def variant_problems(version: CharterVersion, *, check_population: bool = True) -> list[str]:
    """Why the variants of `version` may not be published (empty: they may)."""
    errors: list[str] = []
    variants = list(version.variants.all())
    common = set(version.sections.filter(variant__isnull=True).values_list("number", flat=True))
    seen: dict[tuple[str, str], CharterVariant] = {}
    for variant in variants:
        if not (variant.name_fr.strip() and variant.name_en.strip()):
            errors.append(_("Each variant needs a name in French and in English."))
        key = (_fold(variant.country), _fold(variant.legal_entity))
        if key == ("", ""):
            errors.append(
                _("Variant “%(name)s” needs a country or a legal entity.") % {"name": variant.name}
            )
            continue
        if key in seen:
            errors.append(
                _(
                    "Variants “%(first)s” and “%(second)s” apply to the same people "
                    "(%(population)s): keep one."
                )
                % {
                    "first": seen[key].name,
                    "second": variant.name,
                    "population": variant.population,
                }
            )
        seen[key] = variant
        if check_population and population_size(variant) == 0:
            errors.append(
                _(
                    "Nobody in the directory matches variant “%(name)s” (%(population)s): "
                    "check its country and legal entity."
                )
                % {"name": variant.name, "population": variant.population}
            )
    for section in version.sections.filter(variant__isnull=False).select_related("variant"):
        variant_name = section.variant.name if section.variant else ""
        if section.replaces and section.number not in common:
            errors.append(
                _(
                    "Section %(number)s of variant “%(name)s” replaces a common section "
                    "that does not exist."
                )
                % {"number": section.number, "name": variant_name}
            )
        elif not section.replaces and section.number in common:
            errors.append(
                _(
                    "Section %(number)s of variant “%(name)s” has the number of a common "
                    "section: tick “replaces the common section” or give it a new number."
                )
                % {"number": section.number, "name": variant_name}
            )
    return errors
