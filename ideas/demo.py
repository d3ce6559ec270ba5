"""Demo idea box for the embedded mode: the lean community's box is open, with a named
reviewer and ideas at every status (one merged into another), voted by its members.
Created through the services (audited, told). Safe to re-run: an idea already there
(same title) is skipped."""

from django.db import transaction

from access.communities import can_manage
from communities.models import Community, Membership
from profiles.demo import demo_people

from . import services
from .models import Idea

SLUG = "lean-network"
# (title, text, votes, status, reason)
IDEAS = [
    (
        "Des casiers à vélos sécurisés à Gerland",
        "Beaucoup viennent à vélo, les arceaux sont pleins.",
        6,
        "planned",
        "",
    ),
    (
        "Un tableau de suivi des 5S partagé",
        "Une page par atelier, mise à jour chaque vendredi.",
        4,
        "under_review",
        "",
    ),
    ("Kaizen boards in every workshop", "A board near each line, reviewed weekly.", 5, "done", ""),
    (
        "Supprimer les réunions du vendredi après-midi",
        "Pour finir la semaine au calme.",
        2,
        "declined",
        "Les astreintes du week-end se préparent le vendredi après-midi.",
    ),
    ("Share the SMED checklists", "One place for every line's changeover checklist.", 1, "new", ""),
    ("Partager les check-lists SMED entre sites", "Même idée que ci-dessus.", 2, "merged", ""),
]


@transaction.atomic
def seed_ideas() -> int:
    community = Community.objects.filter(slug=SLUG).first()
    if community is None:
        return 0
    ids = Membership.objects.filter(
        community=community, status=Membership.Status.ACTIVE
    ).values_list("user_id", flat=True)
    members = list(demo_people().filter(pk__in=ids, is_active=True).order_by("pk"))
    manager = next((m for m in members if can_manage(m, community)), None)
    if manager is None or len(members) < 3:
        return 0
    services.idea_box_set(actor=manager, community=community, enabled=True)
    others = [m for m in members if m != manager]
    services.reviewer_add(actor=manager, community=community, user=others[0])
    created = 0
    target = None
    for n, (title, body, votes, status, reason) in enumerate(IDEAS):
        if Idea.objects.filter(title=title).exists():
            continue
        author = others[n % len(others)]
        idea = services.idea_propose(actor=author, community=community, title=title, body=body)
        for voter in members[:votes]:
            services.idea_vote(actor=voter, idea=idea, voted=True)
        if status == "merged":
            target = target or Idea.objects.get(title=IDEAS[4][0])
            services.idea_merge(actor=manager, idea=idea, into=target)
        elif status != "new":
            if status in ("planned", "done"):
                services.idea_status_set(actor=manager, idea=idea, status="under_review")
            services.idea_status_set(actor=manager, idea=idea, status=status, reason=reason)
        created += 1
    return created
