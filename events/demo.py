"""Demo events for the embedded mode: upcoming ones (one nearly full, one online),
a past one and a cancelled one, with answers. Created through the services, then the
past one dated back. Safe to re-run: an event already there (same title) is skipped."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from communities.models import Community, Membership
from posts.models import Post
from profiles.demo import demo_people
from profiles.models import User

from . import services
from .models import Event

# (community slug, organiser index, days from now (negative: past), hour, hours long,
#  title, text, place, online link, capacity, going, maybe, cancelled)
EVENTS = [
    (
        "lean-network",
        0,
        6,
        9,
        3,
        "Journée kaizen à Lyon",
        "Visite de la ligne 2 puis atelier de résolution de problèmes.",
        "Lyon, site de Gerland, bâtiment B",
        "",
        12,
        5,
        2,
        False,
    ),
    (
        "python-guild",
        1,
        2,
        12,
        1,
        "Lunch & learn: typing Django projects",
        "How we added mypy to a large Django project, step by step.",
        "",
        "https://meet.example.com/python-guild",
        None,
        4,
        3,
        False,
    ),
    (
        "runners",
        0,
        10,
        18,
        2,
        "Course du jeudi au parc de la Tête d'Or",
        "8 km à allure tranquille, vestiaires au bâtiment C.",
        "Parc de la Tête d'Or, entrée des Enfants du Rhône",
        "",
        3,
        4,
        1,
        False,
    ),
    (
        "lean-network",
        1,
        -20,
        14,
        2,
        "Retour d'expérience 5S",
        "Photos avant/après et discussion.",
        "Paris, salle Seine",
        "",
        None,
        6,
        1,
        False,
    ),
    (
        "python-guild",
        2,
        14,
        17,
        2,
        "Code review clinic",
        "Bring a pull request, we review it together.",
        "Paris, salle Loire",
        "https://meet.example.com/clinic",
        20,
        2,
        1,
        True,
    ),
]


def _members(community: Community) -> list[User]:
    ids = Membership.objects.filter(
        community=community, status=Membership.Status.ACTIVE
    ).values_list("user_id", flat=True)
    return list(demo_people().filter(pk__in=ids, is_active=True).order_by("pk"))


@transaction.atomic
def seed_events() -> int:
    """Create the missing demo events with their answers. Returns how many."""
    communities = {c.slug: c for c in Community.objects.all()}
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    created = 0
    for (
        slug,
        organiser,
        days,
        hour,
        hours,
        title,
        body,
        place,
        link,
        capacity,
        going,
        maybe,
        cancelled,
    ) in EVENTS:
        community = communities.get(slug)
        if community is None or Event.objects.filter(title=title).exists():
            continue
        people = _members(community)
        if len(people) < 2:
            continue
        author = people[organiser % len(people)]
        starts_at = (now + timedelta(days=days)).replace(hour=hour)
        past = days < 0
        # A past event is made as if upcoming, answered, then moved to its real date.
        made_at = starts_at if not past else now + timedelta(days=1)
        event = services.event_create(
            actor=author,
            community=community,
            body=body,
            tags="",
            title=title,
            starts_at=made_at,
            ends_at=made_at + timedelta(hours=hours),
            time_zone="Europe/Paris",
            place=place,
            online_url=link,
            capacity=capacity,
        )
        others = [p for p in people if p != author]
        for person in others[:going]:
            services.rsvp_set(actor=person, event=event, answer="going")
        for person in others[going : going + maybe]:
            services.rsvp_set(actor=person, event=event, answer="maybe")
        if past:
            Event.objects.filter(pk=event.pk).update(
                starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours)
            )
            Post.objects.filter(pk=event.pk).update(created_at=starts_at - timedelta(days=10))
        if cancelled:
            services.event_cancel(
                actor=author, event=event, reason="La salle n'est plus disponible."
            )
        created += 1
    return created
