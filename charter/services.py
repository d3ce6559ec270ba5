"""Every change to the charter and its acceptances: publish, copy, accept, load default."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from core import navcounters, requestmeta

from . import content, hooks
from .models import CharterAcceptance, CharterSection, CharterVersion
from .selectors import current_version
from .signoff import signoff_missing


def charter_version_publish(
    *,
    version: CharterVersion,
    actor,
    requires_reacceptance: bool,
    request: HttpRequest | None = None,
) -> CharterVersion:
    """An admin publishes a draft. It is frozen from then on. A major version needs the
    sign-off of every approver; the apps above may refuse too (charter.hooks)."""
    _ensure_publishable(version, requires_reacceptance=requires_reacceptance)
    with transaction.atomic():
        published = CharterVersion.objects.filter(
            pk=version.pk, status=CharterVersion.Status.DRAFT
        ).update(
            status=CharterVersion.Status.PUBLISHED,
            published_at=timezone.now(),
            published_by=actor,
            requires_reacceptance=requires_reacceptance,
        )
        if not published:
            raise ValidationError(
                _("Version %(number)s is already published.") % {"number": version.number}
            )
        navcounters.access_changed()  # everyone's cached charter status (core.navcounters)
        version.refresh_from_db()
        audit.record(
            "charter.published",
            actor=actor,
            target=version,
            request=request,
            data={"number": version.number, "requires_reacceptance": requires_reacceptance},
        )
        hooks.published(version, actor=actor, request=request)
    return version


def _ensure_publishable(version: CharterVersion, *, requires_reacceptance: bool = False) -> None:
    errors = []
    if version.is_published:
        errors.append(_("Version %(number)s is already published.") % {"number": version.number})
    latest = CharterVersion.objects.filter(status=CharterVersion.Status.PUBLISHED).aggregate(
        n=Max("number")
    )["n"]
    if latest is not None and version.number <= latest:
        errors.append(
            _("The version number must be greater than %(latest)s, the current version.")
            % {"latest": latest}
        )
    if latest is not None and not (version.summary_fr.strip() and version.summary_en.strip()):
        errors.append(_("Say what changed, in French and in English (summary of changes)."))
    if not (version.title_fr.strip() and version.title_en.strip()):
        errors.append(_("The title is needed in French and in English."))
    sections = list(version.sections.all())
    if not sections:
        errors.append(_("A charter needs at least one section."))
    for section in sections:
        fields = (section.title_fr, section.title_en, section.body_fr, section.body_en)
        if not all(value.strip() for value in fields):
            errors.append(
                _("Section %(number)s needs its title and text in French and in English.")
                % {"number": section.number}
            )
    if not errors and requires_reacceptance:
        missing = signoff_missing(version)
        if missing:
            errors.append(
                _(
                    "A major version needs the sign-off of every approver; "
                    "still to approve: %(names)s."
                )
                % {"names": ", ".join(person.get_full_name() for person in missing)}
            )
    if not errors:
        errors += hooks.publication_refusals(version)
    if errors:
        raise ValidationError(errors)


def charter_version_copy_to_draft(
    *, version: CharterVersion, actor, request: HttpRequest | None = None
) -> CharterVersion:
    """Start the next version from an existing one, sections included."""
    with transaction.atomic():
        number = (CharterVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = CharterVersion.objects.create(
            number=number, title_fr=version.title_fr, title_en=version.title_en
        )
        CharterSection.objects.bulk_create(
            CharterSection(
                version=draft,
                number=s.number,
                position=s.position,
                title_fr=s.title_fr,
                title_en=s.title_en,
                body_fr=s.body_fr,
                body_en=s.body_en,
                is_report_reason=s.is_report_reason,
            )
            for s in version.sections.all()
        )
        audit.record(
            "charter.drafted",
            actor=actor,
            target=draft,
            request=request,
            data={"number": number, "copied_from": version.number},
        )
    return draft


def charter_accept(
    *, user, version: CharterVersion, request: HttpRequest | None = None
) -> CharterAcceptance:
    """A person accepts the current version. Accepting again changes nothing."""
    current = current_version()
    if current is None or version.pk != current.pk:
        raise ValidationError(
            _(
                "This version of the charter is no longer the current one: "
                "please read and accept the current version."
            )
        )
    with transaction.atomic():
        acceptance, created = CharterAcceptance.objects.get_or_create(
            user=user,
            version=version,
            defaults={
                "ip_address": requestmeta.client_ip(request) if request else None,
                "user_agent": (request.META.get("HTTP_USER_AGENT", "")[:255] if request else ""),
            },
        )
        if created:
            audit.record(
                "charter.accepted",
                actor=user,
                target=version,
                request=request,
                data={"number": version.number},
            )
    return acceptance


def charter_load_default(*, actor=None) -> CharterVersion | None:
    """Publish the project's default charter as version 1, if there is no charter yet."""
    with transaction.atomic():
        if CharterVersion.objects.exists():
            return None
        version = content.build_default_version(CharterVersion, CharterSection)
        audit.record(
            "charter.published",
            actor=actor,
            target=version,
            data={"number": version.number, "requires_reacceptance": True},
        )
    return version
