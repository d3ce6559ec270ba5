"""Sign-off of a major version: the approvers (the active members of the group named by
CHARTER_APPROVERS_GROUP) each approve the text of the draft before it is published. An
approval is for the text as it stood: revising the draft afterwards asks for it again.
With nobody in the group, no sign-off is asked."""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from audit import services as audit

from .models import CharterSignOff, CharterVersion


def approvers_group_name() -> str:
    return settings.CHARTER_APPROVERS_GROUP


def approvers() -> QuerySet:
    """The people whose approval a major version needs."""
    return (
        get_user_model()
        .objects.filter(groups__name=approvers_group_name(), is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def approvers_group() -> Group:
    return Group.objects.get_or_create(name=approvers_group_name())[0]


def fingerprint(version: CharterVersion) -> str:
    """A digest of everything a reader sees of the version: titles and sections."""
    text = [version.title_fr, version.title_en]
    for s in version.sections.order_by("position", "number"):
        text += [s.number, s.title_fr, s.title_en, s.body_fr, s.body_en, str(s.is_report_reason)]
    # Variants (their population and their own sections) are part of the text approved.
    variants = list(version.variants.order_by("pk"))
    for v in variants:
        text += ["variant", v.name_fr, v.name_en, v.country, v.legal_entity]
    for s in version.sections.filter(variant__isnull=False).order_by("variant", "number"):
        text += [str(s.variant_id), str(s.replaces)]
    return hashlib.sha256(json.dumps(text).encode()).hexdigest()


@dataclass
class Approval:
    approver: object
    signoff: CharterSignOff | None  # their approval of the current text, if any
    earlier: CharterSignOff | None  # their approval of an earlier text, if any

    @property
    def approved(self) -> bool:
        return self.signoff is not None


def signoff_status(version: CharterVersion) -> list[Approval]:
    """Each approver and whether they approved the text as it stands now (for a
    published version, the text it was published with)."""
    current = fingerprint(version)
    by_approver: dict[int, list[CharterSignOff]] = {}
    for signoff in version.signoffs.order_by("-approved_at"):
        by_approver.setdefault(signoff.approver_id, []).append(signoff)
    if version.is_published:
        # The record of a published version: who approved the text it was published
        # with, even if they have left the group since (not who joined it later).
        signed = {
            s.approver_id for rows in by_approver.values() for s in rows if s.fingerprint == current
        }
        people = list(
            get_user_model().objects.filter(pk__in=signed).order_by("last_name", "first_name")
        )
    else:
        people = list(approvers())
    rows = []
    for person in people:
        mine = by_approver.get(person.pk, [])
        rows.append(
            Approval(
                approver=person,
                signoff=next((s for s in mine if s.fingerprint == current), None),
                earlier=next((s for s in mine if s.fingerprint != current), None),
            )
        )
    return rows


def signoff_missing(version: CharterVersion) -> list:
    return [row.approver for row in signoff_status(version) if not row.approved]


def is_approver(user) -> bool:
    return bool(user.is_authenticated and approvers().filter(pk=user.pk).exists())


def charter_signoff_record(
    *, version: CharterVersion, actor, request: HttpRequest | None = None
) -> CharterSignOff:
    """An approver approves the draft as it stands."""
    if not is_approver(actor):
        raise PermissionDenied
    if version.is_published:
        raise ValidationError(
            _("Version %(number)s is already published.") % {"number": version.number}
        )
    text = fingerprint(version)
    twice = ValidationError(
        _("You have already approved this text of version %(number)s.") % {"number": version.number}
    )
    try:
        with transaction.atomic():
            CharterVersion.objects.select_for_update().filter(pk=version.pk).first()
            if CharterSignOff.objects.filter(
                version=version, approver=actor, fingerprint=text
            ).exists():
                raise twice
            signoff = CharterSignOff.objects.create(
                version=version, approver=actor, fingerprint=text
            )
            audit.record(
                "charter.approved",
                actor=actor,
                target=version,
                request=request,
                data={"number": version.number, "fingerprint": text},
            )
    except IntegrityError as exc:
        raise twice from exc
    return signoff
