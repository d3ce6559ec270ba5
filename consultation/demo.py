"""Demo of the charter written together: a draft of the next version, with a variant
for France and one for Belgium (the demo's people work in both), open for consultation
to the demo's employee representatives (a group of demo people only: a real account is
never consulted, nor notified, by the demo). Like every demo, an ordinary actor: the
administrator of the demo writes the draft and opens the consultation through the
services (audited). Idempotent: a draft already under consultation is left as it is."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from charter import services as charter_services
from charter.models import CharterVariant, CharterVersion
from charter.selectors import current_version
from profiles import services as profiles_services
from profiles.demo import DEMO_ACTOR, ROLE_ACCOUNTS, demo_people

from . import services
from .models import Consultation

CONSULTATION_DAYS = 21
REPRESENTATIVES_GROUP = "Employee representatives"
REPRESENTATIVES = ["camille.martin@example.com", "nina.durand@example.com"]

# (name fr, name en, country, [(number, replaces, title fr, title en, body fr, body en)])
VARIANTS = [
    (
        "France",
        "France",
        "FR",
        [
            (
                "9",
                False,
                "Dialogue social\u00a0: le CSE",
                "Social dialogue: the works council (CSE)",
                "Le comité social et économique (CSE) est informé et consulté sur les "
                "évolutions de cette charte et sur tout outil de contrôle de l'activité "
                "des salariés (Code du travail, article L2312-38).",
                "The works council (comité social et économique, CSE) is informed and "
                "consulted on changes to this charter and on any tool that monitors "
                "employees' activity (French Labour Code, article L2312-38).",
            )
        ],
    ),
    (
        "Belgique",
        "Belgium",
        "BE",
        [
            (
                "5.6",
                True,
                "Audit des connexions (droit belge)",
                "Audit of connections (Belgian law)",
                "Le contrôle des données de communication électroniques en réseau suit la "
                "convention collective de travail n°\u00a081\u00a0: finalités annoncées, "
                "proportionnalité, information préalable du conseil d'entreprise.",
                "Monitoring of electronic communication data follows collective labour "
                "agreement No. 81: stated purposes, proportionality, prior information "
                "of the works council.",
            )
        ],
    ),
]


def _representatives() -> Group:
    """The demo's employee representatives: demo people, added as an administrator
    would (each change audited)."""
    group, _created = Group.objects.get_or_create(name=REPRESENTATIVES_GROUP)
    for person in demo_people().filter(email__in=REPRESENTATIVES, is_active=True):
        if person.groups.filter(pk=group.pk).exists():
            continue
        before = profiles_services.access_snapshot(person)
        person.groups.add(group)
        profiles_services.account_record_access_change(
            actor=None, user=person, before=before, actor_label=DEMO_ACTOR
        )
    return group


def _admin():
    email = next(a.email for a in ROLE_ACCOUNTS if a.role == "administrator")
    return demo_people().get(email=email)


@transaction.atomic
def seed_charter_consultation() -> int:
    """Create the demo draft with its variants and open its consultation. Returns 1 if
    created, 0 if a draft is already under consultation (or there is no charter)."""
    version = current_version()
    if version is None:
        return 0
    if Consultation.objects.filter(version__status=CharterVersion.Status.DRAFT).exists():
        return 0
    admin = _admin()
    draft = charter_services.charter_version_copy_to_draft(version=version, actor=admin)
    for name_fr, name_en, country, sections in VARIANTS:
        variant = charter_services.charter_variant_save(
            variant=CharterVariant(
                version=draft, name_fr=name_fr, name_en=name_en, country=country
            ),
            actor=admin,
        )
        for number, replaces, title_fr, title_en, body_fr, body_en in sections:
            charter_services.charter_variant_section_save(
                variant=variant,
                number=number,
                replaces=replaces,
                title_fr=title_fr,
                title_en=title_en,
                body_fr=body_fr,
                body_en=body_en,
                actor=admin,
            )
    now = timezone.now()
    services.consultation_open(
        actor=admin,
        version=draft,
        starts_at=now,
        ends_at=now + timedelta(days=CONSULTATION_DAYS),
        all_employees=False,
        groups=[_representatives()],
    )
    return 1
