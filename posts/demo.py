"""Demo posts for the embedded mode: a few weeks of plausible life in the demo
communities — posts in French and English, comments, replies, likes, tags, and
follows of communities and tags. Created through the services (so counters,
mentions and notifications are right), then dated back. Safe to re-run: a post that
is already there (same author, same text) is skipped with its thread."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from access.communities import is_readable_by
from communities.demo import _accept_charter
from communities.models import Community, Membership
from profiles.demo import demo_contributors, demo_people
from profiles.models import User

from . import services
from .models import Comment, Post

# (community slug or None for a profile post, author index among the members,
#  days ago, text, tags, [(commenter index, text, [(replier index, text)])], likers)
Thread = list[tuple[int, str, list[tuple[int, str]]]]
POSTS: list[tuple[str | None, int, int, str, str, Thread, int]] = [
    (
        "internal-news",
        0,
        27,
        "**Bienvenue sur le réseau social de l'entreprise !**\n\n"
        "Cet espace est ouvert à tous les salariés : lisez, commentez, partagez. "
        "Pensez à lire la charte d'utilisation avant de publier.",
        "bienvenue, communication interne",
        [(2, "Merci, très bonne initiative !", [(0, "Avec plaisir, n'hésitez pas à partager.")])],
        6,
    ),
    (
        "internal-news",
        1,
        22,
        "Le restaurant d'entreprise de Lyon ferme du 12 au 16 pour travaux. "
        "Des paniers repas seront proposés à l'accueil.",
        "lyon, vie pratique",
        [(3, "Est-ce que les paniers végétariens sont prévus ?", [(1, "Oui, sur réservation.")])],
        3,
    ),
    (
        "internal-news",
        2,
        12,
        "Our annual security awareness week starts Monday. Short sessions, "
        "real phishing examples, and a quiz with prizes.\n\n- Monday: passwords\n"
        "- Tuesday: phishing\n- Thursday: travelling safely",
        "sécurité, security week",
        [(4, "Will the sessions be recorded for the other sites?", [])],
        5,
    ),
    (
        "internal-news",
        3,
        3,
        "Rappel : l'enquête annuelle sur la qualité de vie au travail est ouverte "
        "jusqu'à vendredi. Cinq minutes suffisent, et les réponses sont anonymes.",
        "qvt, enquête",
        [],
        4,
    ),
    (
        "python-guild",
        0,
        25,
        "Code review tip: keep pull requests under 400 lines. Reviews stay sharp, "
        "and we merge faster. What is your team's rule?",
        "code review, python",
        [
            (1, "We aim for 200, with a checklist in the template.", [(0, "Care to share it?")]),
            (2, "Small PRs + pairing on the tricky ones.", []),
        ],
        4,
    ),
    (
        "python-guild",
        1,
        18,
        "Retour d'expérience sur la migration vers **Django 5.2 LTS** : deux jours "
        "de travail, surtout sur les tests. Les notes sont dans le wiki.",
        "django, python, migration",
        [(0, "Merci ! Des soucis avec les stubs de typage ?", [(1, "Quelques-uns, vite réglés.")])],
        3,
    ),
    (
        "python-guild",
        2,
        9,
        "Lunch & learn on Thursday: property-based testing with Hypothesis. "
        "Bring your laptop and a function you do not trust.",
        "testing, python, lunch and learn",
        [(3, "Count me in!", [])],
        2,
    ),
    (
        "python-guild",
        0,
        2,
        "Petit rappel : `ruff format` avant chaque commit, et la CI restera verte.",
        "python, outillage",
        [],
        2,
    ),
    (
        "lean-network",
        0,
        26,
        "Atelier kaizen à l'usine de Nantes : nous avons réduit de 30 % le temps "
        "de changement de série. Merci à toute l'équipe !",
        "kaizen, nantes, smed",
        [
            (
                1,
                "Bravo ! Vous pourriez présenter la démarche au prochain réseau ?",
                [(0, "Avec plaisir.")],
            )
        ],
        5,
    ),
    (
        "lean-network",
        1,
        15,
        "Which visual management board works best for office teams? "
        "We are trying a simple three-column board with weekly goals.",
        "visual management, lean",
        [(2, "We use a physical board plus a photo in the team channel.", [])],
        3,
    ),
    (
        "lean-network",
        2,
        6,
        "> La qualité, c'est faire les choses bien du premier coup.\n\n"
        "Nous lançons un groupe de travail sur les 5S dans les bureaux, inscrivez-vous !",
        "5s, lean",
        [],
        2,
    ),
    (
        "project-atlas",
        0,
        20,
        "Kick-off of the Atlas migration done. Next steps: inventory of the "
        "interfaces, then the test plan with Northwind.",
        "atlas, planning",
        [(1, "Inventory template shared in the project folder.", [])],
        3,
    ),
    (
        "project-atlas",
        1,
        8,
        "Point d'étape : 42 interfaces recensées, 30 validées. Le plan de tests est en relecture.",
        "atlas, avancement",
        [(2, "Je relis la partie facturation demain.", [(1, "Merci !")])],
        2,
    ),
    (
        "executive-committee",
        0,
        10,
        "Ordre du jour du prochain comité : budget, feuille de route produit, "
        "point sur le projet Atlas.",
        "comité, budget",
        [],
        2,
    ),
    (
        None,
        0,
        14,
        "Je partage mes notes de la conférence sur l'accessibilité numérique : "
        "les lecteurs d'écran et la navigation au clavier méritent notre attention.",
        "accessibilité",
        [],
        3,
    ),
    (
        None,
        1,
        5,
        "Looking for volunteers for the charity run in June. Two laps, one good cause!",
        "charity, sport",
        [(2, "Signed up!", [])],
        4,
    ),
]

# Followed by people who may read them without being members.
COMMUNITY_FOLLOWS = ["internal-news", "lean-network"]
TAG_FOLLOWS = ["python", "lean", "sécurité"]


def _members(community: Community | None, employees: list[User]) -> list[User]:
    if community is None:
        return employees
    ids = Membership.objects.filter(
        community=community, status=Membership.Status.ACTIVE
    ).values_list("user_id", flat=True)
    return list(demo_people().filter(pk__in=ids, is_active=True).order_by("pk"))


def _pick(people: list[User], index: int) -> User:
    return people[index % len(people)]


@transaction.atomic
def seed_posts() -> int:
    """Create the missing demo posts with their threads. Returns how many posts."""
    demo = demo_contributors().filter(is_active=True).order_by("pk")
    employees = list(demo.filter(kind=User.Kind.EMPLOYEE))
    if not employees:
        return 0
    for person in demo:
        _accept_charter(person)  # the demo people have read the charter (audited)
    communities = {c.slug: c for c in Community.objects.all()}
    now = timezone.now()
    created = 0
    for slug, author_index, days, body, tags, thread, likers in POSTS:
        community = communities.get(slug) if slug else None
        if slug and community is None:
            continue
        people = _members(community, employees)
        if not people:
            continue
        author = _pick(people, author_index)
        if Post.objects.filter(author=author, body=body).exists():
            continue
        when = now - timedelta(days=days, hours=author_index * 3 + 1)
        post = services.post_create(actor=author, community=community, body=body, tags=tags)
        Post.objects.filter(pk=post.pk).update(created_at=when)
        for position, (who, text, replies) in enumerate(thread):
            comment = services.comment_create(actor=_pick(people, who), post=post, body=text)
            comment_time = when + timedelta(hours=2 + position)
            Comment.objects.filter(pk=comment.pk).update(created_at=comment_time)
            for offset, (replier, reply_text) in enumerate(replies):
                reply = services.comment_create(
                    actor=_pick(people, replier), post=post, body=reply_text, parent=comment
                )
                Comment.objects.filter(pk=reply.pk).update(
                    created_at=comment_time + timedelta(minutes=30 * (offset + 1))
                )
        for liker in [p for p in people if p != author][:likers]:
            services.like_toggle(actor=liker, post=post, liked=True)
        created += 1
    created += _seed_daily_life(employees, communities, now)
    _seed_follows(employees, communities)
    return created


# A month of ordinary posts, so that the stream scrolls: (community, text, tags), each
# posted once per "week" below by a different member, with a comment or two and likes.
DAILY = [
    (
        "internal-news",
        "Rappel : la cantine du site de {site} ferme exceptionnellement à 14 h vendredi.",
        "vie pratique",
    ),
    (
        "internal-news",
        "The quarterly all-hands is on Thursday at 10:00, streamed for every site.",
        "all-hands",
    ),
    (
        "lean-network",
        "Retour d'expérience : un tableau visuel à l'atelier de {site} a réduit les arrêts.",
        "lean, visual management",
    ),
    (
        "lean-network",
        "Who has a good template for an A3 report? Ours is too long to be read.",
        "lean, a3",
    ),
    (
        "python-guild",
        "Petit rappel : la version 3.11 devient le minimum pour les nouveaux projets.",
        "python",
    ),
    (
        "python-guild",
        "Code review tip: ask a question rather than give an order, it works better.",
        "python, code review",
    ),
    (
        "runners",
        "Sortie footing mardi midi au départ du site de {site}, 8 km à allure tranquille.",
        "course",
    ),
    (
        "runners",
        "Who is running the city half-marathon next month? Let's train together.",
        "course, semi-marathon",
    ),
    (
        "photographers",
        "Photo du mois : le lever de soleil sur le parking de {site}. Vos propositions ?",
        "photo du mois",
    ),
    (
        "photographers",
        "Tip: shoot in the golden hour, the light is softer and the colours warmer.",
        "conseil",
    ),
    (
        None,
        "Je rejoins l'équipe de {site} ce mois-ci : ravi de vous rencontrer bientôt !",
        "bienvenue",
    ),
    (
        None,
        "Looking for someone who knows our ERP's purchasing module well: any pointers?",
        "erp, achats",
    ),
]
DAILY_WEEKS = 5
DAILY_COMMENTS = [
    "Merci pour le partage !",
    "Great, count me in.",
    "Très utile, je transmets à mon équipe.",
    "Good point, thanks.",
]


def _seed_daily_life(employees: list[User], communities: dict[str, Community], now) -> int:
    created = 0
    for week in range(DAILY_WEEKS):
        for index, (slug, text, tags) in enumerate(DAILY):
            community = communities.get(slug) if slug else None
            if slug and community is None:
                continue
            people = _members(community, employees)
            if len(people) < 2:
                continue
            author = _pick(people, week * 5 + index)
            body = text.format(site=author.site or "Paris")
            if week:
                body = f"{body} (#{week + 1})"
            if Post.objects.filter(author=author, body=body).exists():
                continue
            when = now - timedelta(days=week * 6 + index % 6, hours=index * 2 + 1)
            post = services.post_create(actor=author, community=community, body=body, tags=tags)
            Post.objects.filter(pk=post.pk).update(created_at=when)
            others = [p for p in people if p != author]
            for position in range((week + index) % 3):
                comment = services.comment_create(
                    actor=_pick(others, week + index + position),
                    post=post,
                    body=DAILY_COMMENTS[(week + index + position) % len(DAILY_COMMENTS)],
                )
                Comment.objects.filter(pk=comment.pk).update(
                    created_at=when + timedelta(hours=1 + position)
                )
            for liker in others[(week + index) % 3 :][: (week * 3 + index) % 7]:
                services.like_toggle(actor=liker, post=post, liked=True)
            created += 1
    return created


def _seed_follows(employees: list[User], communities: dict[str, Community]) -> None:
    for index, person in enumerate(employees[:12]):
        slug = COMMUNITY_FOLLOWS[index % len(COMMUNITY_FOLLOWS)]
        community = communities.get(slug)
        if (
            community is not None
            and is_readable_by(person, community)
            and not Membership.objects.filter(
                community=community, user=person, status=Membership.Status.ACTIVE
            ).exists()
        ):
            services.community_follow(actor=person, community=community)
        tag = Tag.objects.filter(slug=_slug(TAG_FOLLOWS[index % len(TAG_FOLLOWS)])).first()
        if tag is not None:
            services.tag_follow(actor=person, tag=tag)


def _slug(name: str) -> str:
    from .tags import normalize_tag, tag_slug

    return tag_slug(normalize_tag(name))
