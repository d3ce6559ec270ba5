"""Demo people for the embedded mode: a small, believable, bilingual company."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet

from access import roles
from charter.selectors import current_version
from charter.services import charter_accept

from . import services
from .models import Endorsement, Follow, User, UserSkill

DEMO_PASSWORD = "rse-demo-2026"  # noqa: S105 - printed on purpose: demo accounts only
DEMO_ACTOR = "demo seeding (seed_demo)"  # how the audit trail names the seeding

DEPARTMENTS = {
    "Finance": ["Contrôleur de gestion", "Financial analyst", "Comptable"],
    "Ressources humaines": ["Chargée de recrutement", "HR business partner", "Juriste social"],
    "IT": ["Développeur Python", "Cloud architect", "Data engineer", "Product owner"],
    "Marketing": ["Chef de produit", "Brand manager", "Community manager"],
    "Sales": ["Key account manager", "Ingénieur commercial", "Sales operations"],
    "R&D": ["Ingénieure R&D", "Research scientist", "Lab technician"],
    "Juridique": ["Juriste", "Compliance officer"],
    "Opérations": ["Responsable logistique", "Supply chain planner", "Chef d'atelier"],
}
SITES = ["Paris", "Lyon", "Toulouse", "Nantes", "Lille", "Bruxelles", "London"]
FIRST_NAMES = [
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Louis",
    "Inès",
    "Gabriel",
    "Zoé",
    "Arthur",
    "Emma",
    "Jules",
    "Olivia",
    "Noah",
    "Élodie",
    "Raphaël",
    "Sarah",
    "Mathis",
    "Amélie",
    "Oliver",
    "Charlotte",
    "James",
    "Anaïs",
    "Victor",
]
LAST_NAMES = [
    "Moreau",
    "Lefèvre",
    "Roux",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Taylor",
    "Brown",
    "Wilson",
    "Clarke",
]
EXTRA_PEOPLE = 36

SKILLS_BY_DEPARTMENT = {
    "Finance": ["Comptabilité", "Contrôle de gestion", "Excel", "IFRS", "SAP"],
    "Ressources humaines": ["Recrutement", "Droit social", "Formation", "Paie", "Entretiens"],
    "IT": ["Python", "Django", "PostgreSQL", "Kubernetes", "Cybersécurité", "Data engineering"],
    "Marketing": ["SEO", "Communication interne", "Rédaction", "Réseaux sociaux", "Canva"],
    "Sales": ["Négociation", "Salesforce", "Grands comptes", "Appels d'offres", "Anglais"],
    "R&D": ["Chimie analytique", "Statistiques", "Python", "Gestion de projet", "Brevets"],
    "Juridique": ["Droit des contrats", "RGPD", "Conformité", "Propriété intellectuelle"],
    "Opérations": ["Supply chain", "Lean", "SAP", "Planification", "Sécurité au travail"],
}
LANGUAGES = ["French", "French, English", "English, French, Spanish", "French, German"]
INTERESTS = ["Running, photography", "Chess", "Cooking, hiking", "Jazz", "Cycling, gardening"]
LEVELS = [UserSkill.Level.EXPERT, UserSkill.Level.PRACTITIONER, UserSkill.Level.NOTIONS]


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    first_name: str
    last_name: str
    job_title: str
    department: str
    site: str
    kind: str = User.Kind.EMPLOYEE
    organisation: str = ""


# One account per role; the README lists the same ones.
ROLE_ACCOUNTS = [
    DemoAccount(
        "employee",
        "camille.martin@example.com",
        "Camille",
        "Martin",
        "Chargée de communication",
        "Marketing",
        "Paris",
    ),
    DemoAccount(
        "community manager",
        "thomas.bernard@example.com",
        "Thomas",
        "Bernard",
        "Engineering manager",
        "IT",
        "Lyon",
    ),
    DemoAccount(
        "site moderator",
        "sophie.dubois@example.com",
        "Sophie",
        "Dubois",
        "Responsable communication interne",
        "Ressources humaines",
        "Paris",
    ),
    DemoAccount(
        "administrator",
        "admin@example.com",
        "Isabelle",
        "Laurent",
        "Administratrice du réseau",
        "IT",
        "Paris",
    ),
    DemoAccount(
        "plain employee",
        "nina.durand@example.com",
        "Nina",
        "Durand",
        "Acheteuse",
        "Opérations",
        "Nantes",
    ),
    DemoAccount(
        "charter not accepted",
        "paul.girard@example.com",
        "Paul",
        "Girard",
        "Technicien de maintenance",
        "Opérations",
        "Lille",
    ),
    DemoAccount(
        "external partner",
        "jordan.smith@northwind.example.org",
        "Jordan",
        "Smith",
        "Consultant",
        "",
        "",
        kind=User.Kind.EXTERNAL,
        organisation="Northwind Consulting",
    ),
]


# Where each demo site is, and which legal entity employs its people: the charter's
# variants by country or legal entity (consultation.demo) are chosen from these.
SITE_COUNTRIES = {"Bruxelles": "BE", "London": "GB"}
LEGAL_ENTITIES = {
    "FR": "RSE Démo SAS",
    "BE": "RSE Demo Belgium SA",
    "GB": "RSE Demo UK Ltd",
}


def _country_and_entity(account: "DemoAccount") -> dict[str, str]:
    if account.kind != User.Kind.EMPLOYEE:
        return {"country": "", "legal_entity": ""}
    country = SITE_COUNTRIES.get(account.site, "FR")
    return {"country": country, "legal_entity": LEGAL_ENTITIES[country]}


def _generated_people() -> list[DemoAccount]:
    """Deterministic extra colleagues spread over departments and sites."""
    departments = list(DEPARTMENTS.items())
    people = []
    for i in range(EXTRA_PEOPLE):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[(i * 7 + i // len(FIRST_NAMES)) % len(LAST_NAMES)]
        department, titles = departments[i % len(departments)]
        email = f"{_ascii(first)}.{_ascii(last)}@example.com"
        people.append(
            DemoAccount(
                "colleague",
                email,
                first,
                last,
                titles[i % len(titles)],
                department,
                SITES[(i * 3) % len(SITES)],
            )
        )
    return people


# The newcomer who has not accepted the charter yet: the demo never accepts it for them,
# makes them a member of nothing and posts nothing in their name.
NO_CHARTER_EMAIL = "paul.girard@example.com"
# Every other person gets a generated photo (initials on a colour), so both show.
PHOTO_COLOURS = ["#1d4e89", "#8a3b12", "#2f6b3a", "#6b2f6b", "#0f6b6b", "#7a5c00"]


def demo_emails() -> list[str]:
    """The addresses of every account the demo creates: the only ones it ever touches."""
    return [account.email for account in ROLE_ACCOUNTS + _generated_people()]


def demo_people() -> QuerySet[User]:
    """The demo accounts (by their addresses, under the reserved example domains)."""
    return User.objects.filter(email__in=demo_emails())


def demo_contributors() -> QuerySet[User]:
    """The demo people who take part (all but the one who has not accepted the charter)."""
    return demo_people().exclude(email=NO_CHARTER_EMAIL)


def _avatar(person: User, colour: str):
    """A generated photo: the person's initials on a colour, re-encoded as any upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw, ImageFont

    from .photos import photo_from_upload

    image = Image.new("RGB", (256, 256), colour)
    draw = ImageDraw.Draw(image)
    initials = f"{person.first_name[:1]}{person.last_name[:1]}".upper()
    font = ImageFont.load_default(size=110)
    draw.text((128, 128), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return photo_from_upload(SimpleUploadedFile("avatar.png", out.getvalue()))


def _ascii(name: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return folded.lower().replace(" ", "-").replace("'", "")


@transaction.atomic
def seed_people() -> tuple[int, int]:
    """Create or refresh the demo people. Returns (created, updated). Safe to re-run."""
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    moderators = roles.site_moderators_group()
    created = updated = 0
    by_role: dict[str, User] = {}
    for account in ROLE_ACCOUNTS + _generated_people():
        directory_fields = {
            "username": account.email.split("@")[0],
            "first_name": account.first_name,
            "last_name": account.last_name,
            "job_title": account.job_title,
            "department": account.department,
            "site": account.site,
            **_country_and_entity(account),
            "kind": account.kind,
            "organisation": account.organisation,
        }
        # The password is set only at creation: a re-run never undoes a change.
        user, was_created = User.objects.update_or_create(
            email=account.email,
            defaults=directory_fields,
            create_defaults={**directory_fields, "password": password_hash},
        )
        created += was_created
        updated += not was_created
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        by_role[account.role] = user

    # Access rights are granted like an administrator would, with their audit entry.
    admin = by_role["administrator"]
    if not (admin.is_staff and admin.is_superuser):
        before = services.access_snapshot(admin)
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
        services.account_record_access_change(
            actor=None, user=admin, before=before, actor_label=DEMO_ACTOR
        )
    moderator = by_role["site moderator"]
    if not moderator.groups.filter(pk=moderators.pk).exists():
        before = services.access_snapshot(moderator)
        moderator.groups.add(moderators)
        services.account_record_access_change(
            actor=None, user=moderator, before=before, actor_label=DEMO_ACTOR
        )
    external = by_role["external partner"]
    if external.sponsor_id is None:
        external.sponsor = by_role["community manager"]
        external.save(update_fields=["sponsor"])
    seed_skills_and_follows(list(demo_people().order_by("pk")))
    return created, updated


def seed_skills_and_follows(people: list[User]) -> None:
    """Plausible profiles, skills, endorsements and follows. Adds only what is missing."""
    employees = [p for p in people if p.kind == User.Kind.EMPLOYEE and p.email != NO_CHARTER_EMAIL]
    version = current_version()
    for i, person in enumerate(people):
        profile = services.profile_get_or_create(user=person)
        if i % 2 == 0 and not profile.photo:
            colour = PHOTO_COLOURS[(i // 2) % len(PHOTO_COLOURS)]
            services.profile_update(
                actor=person, profile=profile, changes={"photo": _avatar(person, colour)}
            )
        if person.email == NO_CHARTER_EMAIL:
            continue  # the README's newcomer: shown the charter at first sign-in
        if version is not None:  # the demo people have read the charter (audited)
            charter_accept(user=person, version=version)
        if not profile.languages and not profile.interests:
            services.profile_update(
                actor=person,
                profile=profile,
                changes={
                    "languages": LANGUAGES[i % len(LANGUAGES)],
                    "interests": INTERESTS[i % len(INTERESTS)],
                },
            )
        names = SKILLS_BY_DEPARTMENT.get(person.department, ["Gestion de projet", "Anglais"])
        held = set(person.user_skills.values_list("skill__normalized", flat=True))
        for j in range(3):
            name = names[(i + j) % len(names)]
            skill = services.skill_get_or_create(name=name)
            if skill.normalized not in held:
                services.user_skill_add(
                    actor=person, name=name, level=LEVELS[(i + j) % len(LEVELS)]
                )
                held.add(skill.normalized)
    # Colleagues of the same department endorse and follow each other a little.
    for i, person in enumerate(employees):
        colleagues = [p for p in employees if p.department == person.department and p != person]
        for colleague in colleagues[: 1 + i % 3]:
            if not Follow.objects.filter(follower=person, followed=colleague).exists():
                services.follow_create(actor=person, user=colleague)
            best = colleague.user_skills.order_by("pk").first()
            if best and not Endorsement.objects.filter(user_skill=best, endorser=person).exists():
                services.endorsement_create(actor=person, user_skill=best)
