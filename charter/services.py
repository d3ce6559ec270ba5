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
from . import variants as charter_variants
from .models import CharterAcceptance, CharterSection, CharterVariant, CharterVersion
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
    sections = list(version.sections.select_related("variant"))
    if not any(section.variant_id is None for section in sections):
        errors.append(_("A charter needs at least one section."))
    for section in sections:
        fields = (section.title_fr, section.title_en, section.body_fr, section.body_en)
        if not all(value.strip() for value in fields):
            if section.variant_id is None:
                errors.append(
                    _("Section %(number)s needs its title and text in French and in English.")
                    % {"number": section.number}
                )
            elif section.variant is not None:
                errors.append(
                    _(
                        "Section %(number)s of variant “%(name)s” needs its title and text "
                        "in French and in English."
                    )
                    % {"number": section.number, "name": section.variant.name}
                )
    errors += charter_variants.variant_problems(version)
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
        copies = {
            variant.pk: CharterVariant.objects.create(
                version=draft,
                name_fr=variant.name_fr,
                name_en=variant.name_en,
                country=variant.country,
                legal_entity=variant.legal_entity,
            )
            for variant in version.variants.all()
        }
        CharterSection.objects.bulk_create(
            CharterSection(
                version=draft,
                variant=copies[s.variant_id] if s.variant_id else None,
                replaces=s.replaces,
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


_SHOWN_ANOTHER = object()


def charter_accept(
    *,
    user,
    version: CharterVersion,
    request: HttpRequest | None = None,
    shown_variant=_SHOWN_ANOTHER,
) -> CharterAcceptance:
    """A person accepts the current version, in the variant that applies to them (by
    their country and legal entity). Accepting again changes nothing. `shown_variant`
    (the variant's id, or None for the common text) is what the page showed: if it is no
    longer the one that applies, the acceptance is refused."""
    current = current_version()
    if current is None or version is None or version.pk != current.pk:
        raise ValidationError(
            _(
                "This version of the charter is no longer the current one: "
                "please read and accept the current version."
            )
        )
    variant = charter_variants.variant_for(version, user)
    if shown_variant is not _SHOWN_ANOTHER and shown_variant != (variant.pk if variant else None):
        raise ValidationError(
            _(
                "The variant of the charter that applies to you has changed: "
                "please read it and accept it."
            )
        )
    with transaction.atomic():
        acceptance, created = CharterAcceptance.objects.get_or_create(
            user=user,
            version=version,
            variant=variant,
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
                data={
                    "number": version.number,
                    **({"variant": variant.name_en, "variant_id": variant.pk} if variant else {}),
                },
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


def _ensure_draft(version: CharterVersion) -> None:
    if CharterVersion.objects.filter(
        pk=version.pk, status=CharterVersion.Status.PUBLISHED
    ).exists():
        raise ValidationError(
            _("Version %(number)s is published: it can no longer be changed.")
            % {"number": version.number}
        )


def _variant_data(variant: CharterVariant) -> dict:
    return {
        "number": variant.version.number,
        "variant": variant.name_en,
        "country": variant.country,
        "legal_entity": variant.legal_entity,
    }


def charter_variant_save(
    *, variant: CharterVariant, actor, request: HttpRequest | None = None
) -> CharterVariant:
    """An author adds or changes a variant of a draft (its name and population)."""
    _ensure_draft(variant.version)
    variant.country = variant.country.strip().upper()
    variant.legal_entity = variant.legal_entity.strip()
    created = variant.pk is None
    with transaction.atomic():
        variant.full_clean()
        variant.save()
        audit.record(
            "charter.variant_added" if created else "charter.variant_changed",
            actor=actor,
            target=variant.version,
            request=request,
            data=_variant_data(variant),
        )
    return variant


def charter_variant_delete(
    *, variant: CharterVariant, actor, request: HttpRequest | None = None
) -> None:
    """An author removes a variant of a draft, with its own sections."""
    _ensure_draft(variant.version)
    with transaction.atomic():
        data = _variant_data(variant)
        variant.delete()
        audit.record(
            "charter.variant_removed",
            actor=actor,
            target=variant.version,
            request=request,
            data=data,
        )


def charter_variant_sections_changed(
    *, variant: CharterVariant, actor, numbers: list[str], request: HttpRequest | None = None
) -> None:
    """Audit an author's change to a variant's own sections (saved by the admin form)."""
    _ensure_draft(variant.version)
    audit.record(
        "charter.variant_sections_changed",
        actor=actor,
        target=variant.version,
        request=request,
        data={**_variant_data(variant), "sections": sorted(numbers)},
    )


def charter_variant_section_save(
    *,
    variant: CharterVariant,
    number: str,
    title_fr: str,
    title_en: str,
    body_fr: str,
    body_en: str,
    replaces: bool = False,
    is_report_reason: bool = False,
    position: int | None = None,
    actor,
    request: HttpRequest | None = None,
) -> CharterSection:
    """An author writes a section of a variant of a draft: it replaces the common
    section of the same number (which must exist), or adds one with a new number."""
    version = variant.version
    _ensure_draft(version)
    number = number.strip()
    common = version.sections.filter(variant__isnull=True, number=number).first()
    if replaces and common is None:
        raise ValidationError(
            _(
                "Section %(number)s of variant “%(name)s” replaces a common section "
                "that does not exist."
            )
            % {"number": number, "name": variant.name}
        )
    if not replaces and common is not None:
        raise ValidationError(
            _(
                "Section %(number)s of variant “%(name)s” has the number of a common "
                "section: tick “replaces the common section” or give it a new number."
            )
            % {"number": number, "name": variant.name}
        )
    if position is None:
        if common is not None:
            position = common.position
        else:
            position = (version.sections.aggregate(p=Max("position"))["p"] or 0) + 1
    with transaction.atomic():
        section = CharterSection.objects.filter(
            variant=variant, number=number
        ).first() or CharterSection(version=version, variant=variant, number=number)
        for field, value in {
            "title_fr": title_fr,
            "title_en": title_en,
            "body_fr": body_fr,
            "body_en": body_en,
            "replaces": replaces,
            "is_report_reason": is_report_reason,
            "position": position,
        }.items():
            setattr(section, field, value)
        section.full_clean()
        section.save()
        charter_variant_sections_changed(
            variant=variant, actor=actor, numbers=[number], request=request
        )
    return section
