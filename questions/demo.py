"""Demo questions for the embedded mode: willing experts, an open question offered to
them, a resolved one whose accepted answer shows on its answerer's profile, one in an
open community and one on a profile. Created through the services (routing, audit),
then dated back. Safe to re-run: a question already there (same title) is skipped."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from communities.models import Community, Membership
from posts import services as post_services
from posts.models import Comment, Post
from profiles.demo import ROLE_ACCOUNTS, demo_people
from profiles.models import User

from . import services
from .models import Question

# (community slug or None, author index among its members, days ago, title, text, tags,
#  [(answerer index, or None for the first expert it was offered to, text)], index of
#  the accepted answer or None)
Answers = list[tuple[int | None, str]]
QUESTIONS: list[tuple[str | None, int, int, str, str, str, Answers, int | None]] = [
    (
        "python-guild",
        2,
        9,
        "Quel index PostgreSQL pour une recherche « contient » sur les noms ?",
        "Nos recherches `ILIKE '%dupont%'` parcourent toute la table des clients. "
        "Que conseillez-vous ?",
        "Python, Django, performance",
        [
            (3, "Un index B-tree ne sert à rien pour `%…%`."),
            (
                None,
                "Un index GIN avec `pg_trgm` (`gin_trgm_ops`) : la recherche passe de "
                "secondes à quelques millisecondes.",
            ),
        ],
        1,
    ),
    (
        "python-guild",
        4,
        2,
        "How do we package a Django app for the Lyon servers?",
        "The servers have no internet access. Wheels, a container, something else?",
        "postgresql, kubernetes",
        [(None, "We build wheels in CI and copy them with the release; happy to show you.")],
        None,
    ),
    (
        "lean-network",
        1,
        1,
        "Un retour d'expérience sur le SMED dans une ligne d'emballage ?",
        "Nous voulons réduire nos changements de format de 45 à 15 minutes.",
        "Lean, supply chain",
        [],
        None,
    ),
    (
        None,
        0,
        4,
        "Who can explain the new expense rules for client dinners?",
        "The travel policy changed in March; I am not sure what counts as a client dinner.",
        "comptabilité, excel",
        [],
        None,
    ),
]


def _members(community: Community | None, employees: list[User]) -> list[User]:
    if community is None:
        return employees
    ids = Membership.objects.filter(
        community=community, status=Membership.Status.ACTIVE
    ).values_list("user_id", flat=True)
    return list(demo_people().filter(pk__in=ids, is_active=True).order_by("pk"))


@transaction.atomic
def seed_questions() -> int:
    """Create the missing demo questions. Returns how many."""
    employees = list(demo_people().filter(is_active=True, kind=User.Kind.EMPLOYEE).order_by("pk"))
    if not employees:
        return 0
    # Every demo employee but the plain employee account (who tries the opt-in) is
    # willing to answer questions on their skills.
    plain = ROLE_ACCOUNTS[0].email
    for person in employees:
        if person.email != plain:
            services.answer_willingness_set(actor=person, willing=True)
    communities = {c.slug: c for c in Community.objects.all()}
    now = timezone.now()
    created = 0
    for slug, author_index, days, title, body, tags, answers, accepted in QUESTIONS:
        community = communities.get(slug) if slug else None
        if (slug and community is None) or Question.objects.filter(title=title).exists():
            continue
        people = _members(community, employees)
        if len(people) < 2:
            continue
        author = people[author_index % len(people)]
        when = now - timedelta(days=days, hours=2)
        question = services.question_ask(
            actor=author, community=community, title=title, body=body, tags=tags
        )
        Post.objects.filter(pk=question.pk).update(created_at=when)
        comments = []
        others = [p for p in people if p != author]
        offer = question.offers.select_related("user").order_by("pk").first()
        for position, (who, text) in enumerate(answers):
            if who is None:
                answerer = offer.user if offer is not None else others[0]
            else:
                answerer = others[who % len(others)]
            comment = post_services.comment_create(actor=answerer, post=question.post, body=text)
            Comment.objects.filter(pk=comment.pk).update(
                created_at=when + timedelta(hours=3 + position)
            )
            comments.append(comment)
        if accepted is not None:
            services.answer_accept(actor=author, question=question, comment=comments[accepted])
        created += 1
    return created
