"""Reads about the charter: which version is in force, and where a person stands."""

from django.db.models import Exists, OuterRef, QuerySet

from .models import CharterAcceptance, CharterSection, CharterVersion


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
    """Where `user` stands: {"current", "binding", "accepted", "announcement"}, read
    from the database (one query). A request reads it once, as `request.viewer.charter`.

    `accepted` is True when they accepted the binding version or any later one;
    `announcement` is the current version when it is a minor update they have not yet
    acknowledged.
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
            )
        )
    )
    if not versions:
        return {"current": None, "binding": None, "accepted": True, "announcement": None}
    current = versions[0]
    binding = next((v for v in versions if v.requires_reacceptance), versions[-1])
    accepted_numbers = {v.number for v in versions if v.accepted_by_user}
    accepted = any(n >= binding.number for n in accepted_numbers)
    announcement = current if accepted and current.number not in accepted_numbers else None
    return {
        "current": current,
        "binding": binding,
        "accepted": accepted,
        "announcement": announcement,
    }


def report_reasons(version: CharterVersion | None = None) -> QuerySet[CharterSection]:
    """The sections of the current charter that reports and decisions can cite."""
    version = version or current_version()
    return CharterSection.objects.filter(version=version, is_report_reason=True)


def acceptances_by_version_of(user) -> dict[int, CharterAcceptance]:
    return {a.version_id: a for a in CharterAcceptance.objects.filter(user=user)}
