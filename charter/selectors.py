"""Reads about the charter: which version is in force, and where a person stands."""

from django.db.models import Exists, OuterRef, QuerySet

from . import variants as charter_variants
from .models import CharterAcceptance, CharterSection, CharterVariant, CharterVersion


def published_versions() -> QuerySet[CharterVersion]:
    return CharterVersion.objects.filter(status=CharterVersion.Status.PUBLISHED)


def current_version() -> CharterVersion | None:
    """The latest published version: the one shown at /charter/."""
    return published_versions().order_by("-number").first()


def binding_version() -> CharterVersion | None:
    """The latest version everyone must have accepted: the last major one, or the
    very first version (a minor change is announced, not required)."""
    versions = published_versions().order_by("-number")
    return versions.filter(requires_reacceptance=True).first() or versions.last()


def read_charter_status(user) -> dict:
    """Where `user` stands: {"current", "binding", "accepted", "announcement",
    "variant"}, read from the database (one query; two more when versions have
    variants). A request reads it once, as `request.viewer.charter`.

    `accepted` is True when they accepted the binding version or any later one — in
    the variant that applies to them now (a person who moved to another country or
    entity accepts their new variant); `announcement` is the current version when it
    is a minor update they have not yet acknowledged; `variant` is the variant of the
    current version that applies to them (None: the common text).
    """
    versions = list(
        published_versions()
        .order_by("-number")
        .only(
            "id",
            "number",
            "requires_reacceptance",
            "summary_fr",
            "summary_en",
            "title_fr",
            "title_en",
            "published_at",
        )
        .annotate(
            accepted_by_user=Exists(
                CharterAcceptance.objects.filter(user_id=user.pk, version=OuterRef("pk"))
            ),
            has_variants=Exists(CharterVariant.objects.filter(version=OuterRef("pk"))),
        )
    )
    if not versions:
        return {
            "current": None,
            "binding": None,
            "accepted": True,
            "announcement": None,
            "variant": None,
        }
    current = versions[0]
    binding = next((v for v in versions if v.requires_reacceptance), versions[-1])
    variant_of: dict[int, CharterVariant | None] = {v.pk: None for v in versions}
    with_variants = [v.pk for v in versions if v.has_variants and v.number >= binding.number]
    if with_variants:
        # An acceptance counts only for the variant that applies to the person now.
        rules: dict[int, list[CharterVariant]] = {}
        for variant in CharterVariant.objects.filter(version_id__in=with_variants):
            rules.setdefault(variant.version_id, []).append(variant)
        for pk, candidates in rules.items():
            variant_of[pk] = charter_variants.choose(candidates, user)
        accepted_pairs = set(
            CharterAcceptance.objects.filter(
                user_id=user.pk, version_id__in=with_variants
            ).values_list("version_id", "variant_id")
        )
        for v in versions:
            if v.pk in rules and v.accepted_by_user:
                chosen = variant_of[v.pk]
                v.accepted_by_user = (v.pk, chosen.pk if chosen else None) in accepted_pairs
    accepted_numbers = {v.number for v in versions if v.accepted_by_user}
    accepted = any(n >= binding.number for n in accepted_numbers)
    announcement = current if accepted and current.number not in accepted_numbers else None
    return {
        "current": current,
        "binding": binding,
        "accepted": accepted,
        "announcement": announcement,
        "variant": variant_of.get(current.pk),
    }


def report_reasons(version: CharterVersion | None = None) -> QuerySet[CharterSection]:
    """The common sections of the current charter that reports and decisions can cite
    (a decision then cites the author's variant of it: `section_as_accepted_by`)."""
    version = version or current_version()
    return CharterSection.objects.filter(
        version=version, is_report_reason=True, variant__isnull=True
    )


def common_sections(version: CharterVersion) -> QuerySet[CharterSection]:
    """The sections every variant shares (all of them, for a version without variants)."""
    return version.sections.filter(variant__isnull=True)


def accepted_variant(user, version: CharterVersion) -> CharterVariant | None:
    """The variant of `version` that `user` is held to: the one they last accepted, or
    else the one that applies to them now (None: the common text)."""
    acceptance = (
        CharterAcceptance.objects.filter(user_id=user.pk, version=version)
        .select_related("variant")
        .order_by("-accepted_at", "-pk")
        .first()
    )
    if acceptance is not None:
        return acceptance.variant
    return charter_variants.variant_for(version, user)


def section_as_accepted_by(section: CharterSection, user) -> CharterSection:
    """The section a decision about `user`'s content cites: their variant's own section
    of that number when it replaces the common one, else the common section."""
    if section.variant_id is not None:
        return section
    variant = accepted_variant(user, section.version)
    if variant is None:
        return section
    own = CharterSection.objects.filter(
        variant=variant, number=section.number, replaces=True
    ).first()
    return own or section


def acceptances_by_version_of(user) -> dict[int, CharterAcceptance]:
    """Each version's latest acceptance by `user` (a person who moved accepted several
    variants of one version)."""
    return {
        a.version_id: a
        for a in CharterAcceptance.objects.filter(user=user)
        .select_related("variant")
        .order_by("accepted_at", "pk")
    }


def has_accepted(user, version: CharterVersion) -> bool:
    """Did `user` accept `version` in the variant that applies to them now?"""
    variant = charter_variants.variant_for(version, user)
    return CharterAcceptance.objects.filter(
        user_id=user.pk, version=version, variant=variant
    ).exists()
