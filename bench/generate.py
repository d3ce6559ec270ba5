"""A believable, reproducible company for the benchmark.

Rows are generated in Python from one seeded random generator and written in bulk:
`COPY` on PostgreSQL (with foreign-key triggers off while loading, as a restore
does), batched inserts on SQLite. Counters stored on rows (members, likes,
comments, followers, endorsements) are computed from the generated rows, so the
data looks exactly as the services would have left it.
"""

import io
import itertools
import json
import random
import time
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

BENCH_PASSWORD = "bench-password-2026"
EMAIL_DOMAIN = "example.com"
# One post in this many is asked as a question (the questions tab of a community).
QUESTION_EVERY = 20


@dataclass(frozen=True)
class Size:
    people: int
    communities: int
    memberships: int
    posts: int
    comments: int
    likes: int
    person_follows: int
    tag_follows: int
    tags: int
    post_tags: int


SIZES = {
    "tiny": Size(200, 20, 1_000, 2_000, 6_000, 10_000, 2_000, 400, 60, 4_000),
    "small": Size(5_000, 300, 60_000, 100_000, 300_000, 500_000, 100_000, 20_000, 1_000, 200_000),
    "medium": Size(
        15_000, 900, 180_000, 300_000, 900_000, 1_500_000, 300_000, 60_000, 3_000, 600_000
    ),
    "large": Size(
        50_000,
        3_000,
        600_000,
        1_000_000,
        3_000_000,
        5_000_000,
        1_000_000,
        200_000,
        10_000,
        2_000_000,
    ),
}

FIRST_NAMES = (  # noqa: SIM905 (a word list reads better as text)
    "Camille Léa Chloé Manon Inès Jade Louise Emma Alice Lina Zoé Sarah Anna Julia Eva "
    "Hugo Louis Gabriel Arthur Jules Lucas Adam Nathan Léo Raphaël Paul Tom Théo Noah "
    "Élodie Céline Sophie Hélène Amélie Mathieu Nicolas Julien Antoine Pierre Jérôme "
    "Olivia Grace Emily James Oliver Henry Amir Yasmine Karim Mei Sven Ingrid Matteo"
).split()
LAST_NAMES = (  # noqa: SIM905 (a word list reads better as text)
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André "
    "Lefebvre Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure "
    "Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément "
    "Gauthier Dumont Smith Jones Taylor Brown Williams Wilson Rossi Schmidt Novak "
    "Andersen Costa Haddad"
).split()
DEPARTMENTS = (  # noqa: SIM905 (a word list reads better as text)
    "Finance;Human resources;Legal;Marketing;Sales;Customer service;Research;Engineering;"
    "Manufacturing;Supply chain;Purchasing;IT;Security;Communication;Quality;Strategy;"
    "Data;Design;Facilities;Sustainability"
).split(";")
SITES = (  # noqa: SIM905 (a word list reads better as text)
    "Paris;Lyon;Lille;Nantes;Toulouse;Bordeaux;Marseille;Strasbourg;Grenoble;Brussels;"
    "Geneva;Montréal"
).split(";")
TOPICS = (  # noqa: SIM905 (a word list reads better as text)
    "sécurité;qualité;cloud;données;python;django;kubernetes;lean;rse;climat;énergie;"
    "achats;recrutement;onboarding;télétravail;management;juridique;rgpd;marketing;vente;"
    "client;innovation;design;accessibilité;mobilité;santé;formation;finance;budget;"
    "audit;production;logistique;maintenance;robotique;ia;machine-learning;devops;réseau;"
    "support;événement;sport;musique;cuisine;vélo;photo;lecture;jardinage;course;voyage"
).split(";")
SENTENCES_FR = [
    "Retour d'expérience sur notre dernier atelier {t}.",
    "Quelqu'un a-t-il déjà mis en place une démarche {t} sur son site ?",
    "Les supports de la présentation {t} sont disponibles dans l'espace documentaire.",
    "Bravo à l'équipe pour le lancement du projet {t} !",
    "Nous cherchons des volontaires pour tester la nouvelle procédure {t}.",
    "Compte rendu de la réunion mensuelle : priorités {t} pour le trimestre.",
]
SENTENCES_EN = [
    "Lessons learned from our last {t} workshop.",
    "Has anyone rolled out a {t} approach at their site?",
    "The slides of the {t} talk are now in the document library.",
    "Congratulations to the team on launching the {t} project!",
    "We are looking for volunteers to try the new {t} procedure.",
    "Monthly meeting notes: {t} priorities for the quarter.",
]
COMMENTS = [
    "Merci pour le partage !",
    "Très utile, je transmets à mon équipe.",
    "Thanks, this is really helpful.",
    "Can we discuss this at the next meeting?",
    "Je suis partant pour tester.",
    "Great work everyone!",
    "Avez-vous un lien vers la documentation ?",
    "Interesting, how long did it take?",
]


# Writing ---------------------------------------------------------------------------


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class Loader:
    """Writes rows of one model: given columns from the caller, every other column
    from the field's default (so columns added later need no change here)."""

    BATCH = 20_000

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.given = list(columns)
        now = timezone.now()
        self.filled: list[str] = []
        self.fill_values: list = []
        for name, field in fields.items():
            if name in self.given:
                continue
            value: object
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif field.blank and isinstance(
                field, models.CharField | models.TextField | models.FileField
            ):
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{name} needs a value")
            self.filled.append(name)
            self.fill_values.append(field.get_db_prep_save(value, connection))
        self.columns = [fields[name].column for name in self.given + self.filled]
        self.rows = 0

    def write(self, rows: Iterable[tuple]) -> int:
        table = self.model._meta.db_table
        if connection.vendor == "postgresql":
            written = self._copy(table, rows)
        else:
            written = self._insert(table, rows)
        self.rows += written
        return written

    def _copy(self, table: str, rows: Iterable[tuple]) -> int:
        tail = "\t".join(_copy_text(v) for v in self.fill_values)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        sql = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
        count = 0
        with connection.cursor() as cursor:
            for chunk in _chunks(rows, self.BATCH):
                buffer = io.StringIO()
                for row in chunk:
                    line = "\t".join(_copy_text(v) for v in row)
                    buffer.write(f"{line}\t{tail}\n" if tail else f"{line}\n")
                buffer.seek(0)
                cursor.cursor.copy_expert(sql, buffer)
                count += len(chunk)
        return count

    def _insert(self, table: str, rows: Iterable[tuple]) -> int:
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({marks})"
        extra = tuple(self.fill_values)
        count = 0
        with connection.cursor() as cursor:
            for chunk in _chunks(rows, self.BATCH):
                cursor.executemany(sql, [tuple(_sqlite(v) for v in row) + extra for row in chunk])
                count += len(chunk)
        return count


def _sqlite(value):
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _chunks(rows: Iterable[tuple], size: int):
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


# Random shapes ---------------------------------------------------------------------


class Zipf:
    """Draws ranks 0..n-1 with probability ∝ 1 / (rank + 1) ** s."""

    def __init__(self, n: int, s: float, rng: random.Random):
        self.rng = rng
        self.cumulative = list(itertools.accumulate(1 / (k + 1) ** s for k in range(n)))
        self.total = self.cumulative[-1]

    def draw(self) -> int:
        return bisect(self.cumulative, self.rng.random() * self.total)


def _split(total: int, weights: Sequence[float], cap: int, floor: int = 1) -> list[int]:
    scale = total / sum(weights)
    return [max(floor, min(cap, round(w * scale))) for w in weights]


# The company -----------------------------------------------------------------------


class Company:
    def __init__(self, size: Size, seed: int, progress: Callable[[str], None] = print):
        self.size = size
        self.rng = random.Random(seed)
        self.progress = progress
        self.now = timezone.now().replace(microsecond=0)
        self.started = time.monotonic()
        self.counts: Counter = Counter()

    def say(self, what: str) -> None:
        self.progress(f"[{time.monotonic() - self.started:7.1f}s] {what}")

    def when(self, oldest_days: float, newest_days: float = 0.0) -> datetime:
        """A moment between `oldest_days` and `newest_days` ago, more often recent."""
        u = self.rng.random() ** 2
        return self.now - timedelta(days=newest_days + u * (oldest_days - newest_days))

    def build(self) -> Counter:
        model = apps.get_model
        self.User = model("profiles", "User")
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # Rows are consistent by construction; skip per-row FK triggers.
                    cursor.execute("SET LOCAL session_replication_role = replica")
            self.people()
            self.skills()
            self.communities()
            self.posts()
            self.comments_and_likes()
            self.questions()
            self.follows()
            self.moderation_cases()
            self.counters()
            self.reset_sequences()
        if connection.vendor == "postgresql":
            self.search_columns()
            # As after any bulk load: statistics for the planner, and the visibility map
            # (index-only scans), which autovacuum would otherwise set later, mid-run.
            # (Inside a transaction, as in the tests, only ANALYZE can run.)
            vacuum = not connection.in_atomic_block
            self.say("vacuum analyze" if vacuum else "analyze")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.say("done")
        return self.counts

    # People ----------------------------------------------------------------------

    def people(self) -> None:
        size, rng = self.size, self.rng
        self.say(f"{size.people:,} people")
        User = self.User
        first = _next_id(User)
        n = size.people
        n_external = max(2, n // 25)
        self.user_ids = list(range(first, first + n))
        self.employees = self.user_ids[: n - n_external]
        self.externals = self.user_ids[n - n_external :]
        password = make_password(BENCH_PASSWORD)
        self.department_of: dict[int, str] = {}
        rows = []
        for index, pk in enumerate(self.user_ids):
            external = index >= n - n_external
            given, family = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            username = f"{slugify(given)}.{slugify(family)}.{pk}"
            department = rng.choice(DEPARTMENTS) if not external else ""
            self.department_of[pk] = department
            sponsor = self.employees[rng.randrange(len(self.employees))] if external else None
            rows.append(
                (
                    pk,
                    username,
                    f"{username}@{'partner.example' if external else EMAIL_DOMAIN}",
                    given,
                    family,
                    password,
                    User.Kind.EXTERNAL.value if external else User.Kind.EMPLOYEE.value,
                    department,
                    rng.choice(SITES) if not external else "",
                    "Partner Co" if external else "",
                    sponsor,
                    self.when(3 * 365, 30),
                    # Externals in good standing: re-confirmed within the last quarter
                    # (from the id, so the random sequence, hence the company, is kept).
                    self.now - timedelta(days=pk % 80) if external else None,
                )
            )
        Loader(
            User,
            [
                "id",
                "username",
                "email",
                "first_name",
                "last_name",
                "password",
                "kind",
                "department",
                "site",
                "organisation",
                "sponsor_id",
                "date_joined",
                "reconfirmed_at",
            ],
        ).write(rows)
        self.counts["people"] = n
        EmailAddress = apps.get_model("account", "EmailAddress")
        email_id = _next_id(EmailAddress)
        Loader(EmailAddress, ["id", "user_id", "email", "verified", "primary"]).write(
            (email_id + i, row[0], row[2], True, True) for i, row in enumerate(rows)
        )
        self.profile_ids = {}
        Profile = apps.get_model("profiles", "Profile")
        profile_id = _next_id(Profile)
        for i, pk in enumerate(self.user_ids):
            self.profile_ids[pk] = profile_id + i
        self.charter_acceptances()

    def charter_acceptances(self) -> None:
        from charter.selectors import binding_version

        version = binding_version()
        if version is None:
            return
        Acceptance = apps.get_model("charter", "CharterAcceptance")
        first = _next_id(Acceptance)
        Loader(Acceptance, ["id", "user_id", "version_id", "accepted_at"]).write(
            (first + i, pk, version.pk, self.now - timedelta(days=10))
            for i, pk in enumerate(self.user_ids)
        )

    def skills(self) -> None:
        from profiles.models import normalize_skill_name

        rng = self.rng
        Skill = apps.get_model("profiles", "Skill")
        UserSkill = apps.get_model("profiles", "UserSkill")
        Endorsement = apps.get_model("profiles", "Endorsement")
        names = sorted({t.replace("-", " ").capitalize() for t in TOPICS} | set(DEPARTMENTS))
        existing = set(Skill.objects.values_list("normalized", flat=True))
        names = [n for n in names if normalize_skill_name(n) not in existing]
        skill_first = _next_id(Skill)
        Loader(Skill, ["id", "name", "normalized"]).write(
            (skill_first + i, name, normalize_skill_name(name)) for i, name in enumerate(names)
        )
        skill_ids = list(Skill.objects.order_by("pk").values_list("pk", flat=True))
        popular = Zipf(len(skill_ids), 1.0, rng)
        self.say("skills and endorsements")
        user_skill_id = _next_id(UserSkill)
        endorsement_id = _next_id(Endorsement)
        user_skills: list[tuple] = []
        endorsements: list[tuple] = []
        for pk in self.employees:
            held = {skill_ids[popular.draw()] for _ in range(rng.randint(2, 6))}
            for skill in held:
                endorsers = {
                    self.employees[rng.randrange(len(self.employees))]
                    for _ in range(int(rng.expovariate(0.5)))
                } - {pk}
                user_skills.append(
                    (
                        user_skill_id,
                        pk,
                        skill,
                        rng.choice(["notions", "practitioner", "expert"]),
                        len(endorsers),
                    )
                )
                endorsements.extend(
                    (endorsement_id + j, user_skill_id, e) for j, e in enumerate(endorsers)
                )
                endorsement_id += len(endorsers)
                user_skill_id += 1
        Loader(UserSkill, ["id", "user_id", "skill_id", "level", "endorsements_count"]).write(
            user_skills
        )
        Loader(Endorsement, ["id", "user_skill_id", "endorser_id"]).write(endorsements)
        self.counts["user_skills"] = len(user_skills)
        self.counts["endorsements"] = len(endorsements)

    # Communities -----------------------------------------------------------------

    def communities(self) -> None:
        size, rng = self.size, self.rng
        self.say(f"{size.communities:,} communities, {size.memberships:,} memberships")
        Community = apps.get_model("communities", "Community")
        Membership = apps.get_model("communities", "Membership")
        first = _next_id(Community)
        n = size.communities
        self.community_ids = list(range(first, first + n))
        sizes = _split(
            size.memberships,
            [1 / (k + 1) ** 0.85 for k in range(n)],
            cap=len(self.employees),
            floor=3,
        )
        rng.shuffle(sizes)
        self.members_of: dict[int, list[int]] = {}
        self.access_of: dict[int, str] = {}
        self.dormant: set[int] = set()
        membership_rows = []
        membership_id = _next_id(Membership)
        community_rows = []
        self.managers: list[tuple[int, int]] = []
        for index, pk in enumerate(self.community_ids):
            access = rng.choices(["free", "open", "closed"], [3, 4, 3])[0]
            hidden = access == "closed" and rng.random() < 0.3
            topic = TOPICS[index % len(TOPICS)]
            name = f"{topic.replace('-', ' ').capitalize()} {index + 1}"
            members = rng.sample(self.employees, min(sizes[index], len(self.employees)))
            if access == "closed" and rng.random() < 0.3:
                members += rng.sample(self.externals, min(len(self.externals), rng.randint(1, 5)))
            self.members_of[pk] = members
            self.access_of[pk] = access
            if rng.random() < 0.1:
                self.dormant.add(pk)
            community_rows.append(
                (
                    pk,
                    name,
                    f"{slugify(name)}-{pk}",
                    f"Community about {topic}.",
                    rng.choices(["professional", "leisure"], [4, 1])[0],
                    access,
                    "hidden" if hidden else "visible",
                    "active",
                    self.when(3 * 365, 200),
                    self.now,
                    len(members),
                )
            )
            n_managers = 1 + (len(members) > 50) + (len(members) > 1000)
            for position, user in enumerate(members):
                role = "manager" if position < n_managers else "member"
                if role == "manager":
                    self.managers.append((user, pk))
                membership_rows.append((membership_id, pk, user, "active", role, self.now))
                membership_id += 1
        Loader(
            Community,
            [
                "id",
                "name",
                "slug",
                "description",
                "purpose",
                "access",
                "visibility",
                "state",
                "created_at",
                "last_activity_at",
                "members_count",
            ],
        ).write(community_rows)
        Loader(Membership, ["id", "community_id", "user_id", "status", "role", "created_at"]).write(
            membership_rows
        )
        self.counts["communities"] = n
        self.counts["memberships"] = len(membership_rows)
        self.manager_permissions()

    def manager_permissions(self) -> None:
        from django.contrib.auth.models import Permission

        Perm = apps.get_model("communities", "CommunityUserObjectPermission")
        manage = Permission.objects.get(codename="manage_community")
        first = _next_id(Perm)
        Loader(Perm, ["id", "user_id", "permission_id", "content_object_id"]).write(
            (first + i, user, manage.pk, community)
            for i, (user, community) in enumerate(self.managers)
        )

    # Posts -----------------------------------------------------------------------

    def posts(self) -> None:
        size, rng = self.size, self.rng
        self.say(f"{size.posts:,} posts, {size.tags:,} tags, {size.post_tags:,} post tags")
        Post = apps.get_model("posts", "Post")
        Tag = apps.get_model("taggit", "Tag")
        Tagged = apps.get_model("posts", "TaggedPost")
        tag_first = _next_id(Tag)
        taken = set(Tag.objects.values_list("slug", flat=True))
        tag_rows = []
        for i in range(size.tags):
            base = TOPICS[i % len(TOPICS)]
            name = base if i < len(TOPICS) else f"{base}-{i // len(TOPICS)}"
            slug = slugify(name)
            if slug in taken:
                name, slug = f"{name}-b{i}", f"{slug}-b{i}"
            tag_rows.append((tag_first + i, name, slug))
        Loader(Tag, ["id", "name", "slug"]).write(tag_rows)
        self.tag_ids = [row[0] for row in tag_rows]
        self.tag_names = [row[1] for row in tag_rows]
        tag_rank = Zipf(len(self.tag_ids), 1.05, rng)
        # What each post shows of a tag: the spelling its author typed (TaggedPost.name).
        spelling = dict(zip(self.tag_ids, self.tag_names, strict=True))

        # Posts per community ∝ members^0.8; 5% of the posts are on profiles.
        weights = [len(self.members_of[c]) ** 0.8 for c in self.community_ids]
        community_posts = int(size.posts * 0.95)
        cumulative = list(itertools.accumulate(weights))
        post_first = _next_id(Post)
        self.post_first = post_first
        self.post_community: list[int | None] = []
        self.post_time: list[datetime] = []
        self.post_author: list[int] = []
        self.last_activity: dict[int, datetime] = {}
        tags_per_post = size.post_tags / size.posts
        comments_mean = size.comments / size.posts
        post_likes_mean = 0.8 * size.likes / size.posts
        # How many comments and likes each post gets is decided here, so the stored
        # counters are written with the post.
        self.comments_per_post: list[int] = []
        self.likes_per_post: list[int] = []

        def rows():
            tagged_id = _next_id(Tagged)
            tagged_rows = []
            for i in range(size.posts):
                pk = post_first + i
                if i < community_posts:
                    community = self.community_ids[
                        bisect(cumulative, rng.random() * cumulative[-1])
                    ]
                    author = rng.choice(self.members_of[community])
                    moment = (
                        self.when(3 * 365, 200) if community in self.dormant else self.when(3 * 365)
                    )
                    if moment > self.last_activity.get(community, moment - timedelta(1)):
                        self.last_activity[community] = moment
                else:
                    community = None
                    author = self.employees[rng.randrange(len(self.employees))]
                    moment = self.when(3 * 365)
                self.post_community.append(community)
                self.post_time.append(moment)
                self.post_author.append(author)
                n_comments = int(rng.expovariate(1 / comments_mean) + 0.5)
                n_likes = min(
                    len(self._readers(community)), int(rng.expovariate(1 / post_likes_mean) + 0.5)
                )
                self.comments_per_post.append(n_comments)
                self.likes_per_post.append(n_likes)
                topic = TOPICS[rng.randrange(len(TOPICS))]
                body = rng.choice(SENTENCES_FR if rng.random() < 0.6 else SENTENCES_EN).format(
                    t=topic
                )
                k = min(len(self.tag_ids), int(rng.expovariate(1 / tags_per_post) + 0.7))
                for tag in {self.tag_ids[tag_rank.draw()] for _ in range(k)}:
                    tagged_rows.append((tagged_id, tag, pk, moment, spelling[tag]))
                    tagged_id += 1
                yield (pk, community, author, body, "published", moment, n_comments, n_likes)
                if len(tagged_rows) >= 50_000:
                    self.tagged_loader.write(tagged_rows)
                    tagged_rows = []
            self.tagged_loader.write(tagged_rows)

        self.tagged_loader = Loader(
            Tagged, ["id", "tag_id", "content_object_id", "created_at", "name"]
        )
        columns = ["id", "community_id", "author_id", "body", "status", "created_at"]
        Loader(Post, [*columns, "comments_count", "likes_count"]).write(rows())
        self.counts["posts"] = size.posts
        self.counts["tags"] = size.tags
        self.counts["post_tags"] = self.tagged_loader.rows

    def questions(self) -> None:
        """One post in QUESTION_EVERY is asked as a question; every other one of those
        that has comments is resolved by its first comment (comment ids follow the
        posts in order: the first of post i comes after all those of the posts before)."""
        Question = apps.get_model("questions", "Question")
        self.say("questions")

        def rows():
            first_comment = self.comment_first
            for i in range(self.size.posts):
                n_comments = self.comments_per_post[i]
                if i % QUESTION_EVERY == 0:
                    resolved = n_comments > 0 and (i // QUESTION_EVERY) % 2 == 0
                    yield (
                        self.post_first + i,
                        f"{TOPICS[i % len(TOPICS)]}: who knows how?",
                        first_comment if resolved else None,
                        self.post_time[i] + timedelta(days=1) if resolved else None,
                    )
                first_comment += n_comments

        loader = Loader(Question, ["post_id", "title", "accepted_answer_id", "resolved_at"])
        loader.write(rows())
        self.counts["questions"] = loader.rows

    def _readers(self, community: int | None) -> list[int]:
        return self.members_of[community] if community is not None else self.employees

    def comments_and_likes(self) -> None:
        size, rng = self.size, self.rng
        self.say(f"{size.comments:,} comments, {size.likes:,} likes, recent notifications")
        Comment = apps.get_model("posts", "Comment")
        Like = apps.get_model("posts", "Like")
        comment_first = _next_id(Comment)
        self.comment_first = comment_first
        like_first = _next_id(Like)
        comment_likes_rate = 0.2 * size.likes / max(1, size.comments)
        like_rows: list[tuple] = []
        like_loader = Loader(Like, ["id", "user_id", "post_id", "comment_id", "created_at"])
        like_id = like_first
        comment_id = comment_first
        # Authors are told of the comments on their posts. Read notifications older
        # than the retention are purged, so only the last RETENTION days are kept:
        # read after a day, except those of the last week, left unread.
        Notification = apps.get_model("notifications", "Notification")
        notification_loader = Loader(
            Notification,
            [
                "id",
                "recipient_id",
                "kind",
                "actor_id",
                "community_id",
                "post_id",
                "comment_id",
                "created_at",
                "read_at",
                "emailed_at",
                "data",
            ],
        )
        notification_rows: list[tuple] = []
        notification_id = _next_id(Notification)
        kept_since = self.now - timedelta(days=settings.NOTIFICATIONS_READ_RETENTION_DAYS)
        unread_since = self.now - timedelta(days=7)

        def comment_rows():
            nonlocal like_id, comment_id, like_rows, notification_id
            for i in range(size.posts):
                post = self.post_first + i
                community = self.post_community[i]
                readers = self._readers(community)
                moment = self.post_time[i]
                n_comments = self.comments_per_post[i]
                top_level: list[int] = []
                for _ in range(n_comments):
                    parent = rng.choice(top_level) if top_level and rng.random() < 0.25 else None
                    at = moment + timedelta(minutes=rng.randint(1, 60 * 24 * 3))
                    author = readers[rng.randrange(len(readers))]
                    likes = int(comment_likes_rate + rng.random())
                    likers = {readers[rng.randrange(len(readers))] for _ in range(likes)}
                    body = rng.choice(COMMENTS)
                    yield (comment_id, post, parent, author, body, "published", at, len(likers))
                    recipient = self.post_author[i]
                    if kept_since < at <= self.now and recipient != author:
                        read = None if at > unread_since else at + timedelta(days=1)
                        notification_rows.append(
                            (notification_id, recipient, "commented", author, community, post)
                            + (comment_id, at, read, at, "{}")
                        )
                        notification_id += 1
                    if parent is None:
                        top_level.append(comment_id)
                    for user in likers:
                        like_rows.append((like_id, user, None, comment_id, at))
                        like_id += 1
                    comment_id += 1
                    if community is not None and at > self.last_activity.get(community, at):
                        self.last_activity[community] = at
                n_likes = self.likes_per_post[i]
                likers = rng.sample(readers, n_likes) if n_likes else []
                for user in likers:
                    like_rows.append((like_id, user, post, None, moment))
                    like_id += 1
                if len(like_rows) >= 50_000:
                    like_loader.write(like_rows)
                    like_rows = []
                if len(notification_rows) >= 50_000:
                    notification_loader.write(notification_rows)
                    notification_rows.clear()

        comment_loader = Loader(
            Comment,
            [
                "id",
                "post_id",
                "parent_id",
                "author_id",
                "body",
                "status",
                "created_at",
                "likes_count",
            ],
        )
        comment_loader.write(comment_rows())
        like_loader.write(like_rows)
        notification_loader.write(notification_rows)
        self.counts["comments"] = comment_loader.rows
        self.counts["likes"] = like_loader.rows
        self.counts["notifications"] = notification_loader.rows

    def follows(self) -> None:
        size, rng = self.size, self.rng
        self.say(f"{size.person_follows:,} follows of people, {size.tag_follows:,} of tags")
        Follow = apps.get_model("profiles", "Follow")
        TagFollow = apps.get_model("posts", "TagFollow")
        CommunityFollow = apps.get_model("posts", "CommunityFollow")
        popular_person = Zipf(len(self.employees), 0.9, rng)
        per_person = 1.1 * size.person_follows / len(self.employees)
        self.followers: Counter = Counter()
        self.following: Counter = Counter()
        follow_first = _next_id(Follow)

        def follow_rows():
            pk = follow_first
            for follower in self.employees:
                wanted = int(rng.expovariate(1 / per_person) + 0.5)
                targets = {self.employees[popular_person.draw()] for _ in range(wanted)}
                targets.discard(follower)
                for followed in targets:
                    self.followers[followed] += 1
                    self.following[follower] += 1
                    yield (pk, follower, followed, self.when(700))
                    pk += 1

        loader = Loader(Follow, ["id", "follower_id", "followed_id", "created_at"])
        loader.write(follow_rows())
        self.counts["person_follows"] = loader.rows

        popular_tag = Zipf(len(self.tag_ids), 1.0, rng)
        per_tag_follower = 1.1 * size.tag_follows / len(self.employees)
        tag_follow_first = _next_id(TagFollow)

        def tag_follow_rows():
            pk = tag_follow_first
            for user in self.employees:
                wanted = int(rng.expovariate(1 / per_tag_follower) + 0.5)
                for tag in {self.tag_ids[popular_tag.draw()] for _ in range(wanted)}:
                    yield (pk, user, tag, self.when(700))
                    pk += 1

        loader = Loader(TagFollow, ["id", "user_id", "tag_id", "created_at"])
        loader.write(tag_follow_rows())
        self.counts["tag_follows"] = loader.rows

        free = [c for c in self.community_ids if self.access_of[c] == "free"]
        community_follow_first = _next_id(CommunityFollow)

        def community_follow_rows():
            pk = community_follow_first
            for user in self.employees:
                if not free or rng.random() < 0.5:
                    continue
                for community in set(rng.sample(free, min(len(free), rng.randint(1, 3)))):
                    yield (pk, user, community, self.when(700))
                    pk += 1

        loader = Loader(CommunityFollow, ["id", "user_id", "community_id", "created_at"])
        loader.write(community_follow_rows())
        self.counts["community_follows"] = loader.rows

    # Search ----------------------------------------------------------------------

    # The search app's stored columns, filled by triggers that the bulk load (in
    # replica mode, without triggers) skipped: touching the watched column fills them.
    SEARCHED = (
        ("posts_post", "body"),
        ("communities_community", "name"),
        ("profiles_user", "username"),
    )

    def search_columns(self) -> None:
        with connection.cursor() as cursor:
            # Triggers on again (the replica mode above may outlive its block when the
            # build runs inside an outer transaction, as in tests).
            cursor.execute("SET LOCAL session_replication_role = origin")
            # The triggers read other tables (a post's tag names): without statistics
            # after the bulk load, the planner scanned all 2,000,000 tag links for
            # each post (over an hour at `large`, instead of minutes).
            cursor.execute("ANALYZE")
            for table, column in self.SEARCHED:
                cursor.execute(
                    "SELECT 1 FROM information_schema.columns"
                    " WHERE table_name = %s AND column_name = 'search_vector'",
                    [table],
                )
                if cursor.fetchone() is None:
                    continue
                self.say(f"search vectors of {table}")
                cursor.execute(f'UPDATE "{table}" SET "{column}" = "{column}"')  # noqa: S608

    # Moderation ------------------------------------------------------------------

    def moderation_cases(self) -> None:
        """A few hundred open cases, as `moderation.services.report_create` leaves them:
        one open case per reported post, reports by distinct readers other than the
        author, each citing a report reason of the charter, the case's stored counters
        (distinct reporters, highest severity) and one "reported" event per report.
        Fewer reporters than the auto-hide threshold, so every item stays published."""
        from django.conf import settings

        from charter.selectors import report_reasons
        from moderation.common import severity_of

        reasons = list(report_reasons())
        if not reasons:
            return
        rng = self.rng
        wanted = max(5, self.size.posts // 3000)
        self.say(f"{wanted:,} open moderation cases")
        Post = apps.get_model("posts", "Post")
        Case = apps.get_model("moderation", "Case")
        Report = apps.get_model("moderation", "Report")
        Event = apps.get_model("moderation", "CaseEvent")
        chosen = sorted({self.post_first + rng.randrange(self.size.posts) for _ in range(wanted)})
        authors = dict(Post.objects.filter(pk__in=chosen).values_list("pk", "author_id"))
        most = max(1, settings.REPORT_AUTO_HIDE_THRESHOLD - 1)
        case_id, report_id, event_id = _next_id(Case), _next_id(Report), _next_id(Event)
        cases, reports, events = [], [], []
        for post in chosen:
            community = self.post_community[post - self.post_first]
            readers = [r for r in self._readers(community) if r != authors[post]]
            if not readers:
                continue
            reporters = rng.sample(readers, min(len(readers), rng.randint(1, most)))
            moments = sorted(self.when(30) for _ in reporters)
            severity = 0
            for reporter, moment in zip(reporters, moments, strict=True):
                reason = rng.choice(reasons)
                severity = max(severity, severity_of(reason))
                reports.append(
                    (
                        report_id,
                        case_id,
                        reporter,
                        post,
                        None,
                        reason.pk,
                        severity_of(reason),
                        "",
                        moment,
                    )
                )
                events.append(
                    (event_id, case_id, "reported", None, {"reason": reason.number}, moment)
                )
                report_id += 1
                event_id += 1
            cases.append(
                (
                    case_id,
                    post,
                    None,
                    community,
                    authors[post],
                    "open",
                    moments[0],
                    len(reporters),
                    severity,
                )
            )
            case_id += 1
        Loader(
            Case,
            [
                "id",
                "post_id",
                "comment_id",
                "community_id",
                "author_id",
                "status",
                "opened_at",
                "reporters_count",
                "severity",
            ],
        ).write(cases)
        Loader(
            Report,
            [
                "id",
                "case_id",
                "reporter_id",
                "post_id",
                "comment_id",
                "reason_id",
                "severity",
                "note",
                "created_at",
            ],
        ).write(reports)
        Loader(Event, ["id", "case_id", "code", "actor_id", "data", "created_at"]).write(events)
        self.counts["moderation_cases"] = len(cases)
        self.counts["moderation_reports"] = len(reports)

    # Stored counters -------------------------------------------------------------

    def counters(self) -> None:
        self.say("stored counters")
        Profile = apps.get_model("profiles", "Profile")
        Loader(Profile, ["id", "user_id", "followers_count", "following_count"]).write(
            (self.profile_ids[pk], pk, self.followers[pk], self.following[pk])
            for pk in self.user_ids
        )
        Community = apps.get_model("communities", "Community")
        for community, moment in self.last_activity.items():
            Community.objects.filter(pk=community).update(last_activity_at=moment)

    def reset_sequences(self) -> None:
        names = [
            ("profiles", "User"),
            ("profiles", "Profile"),
            ("profiles", "Skill"),
            ("profiles", "UserSkill"),
            ("profiles", "Endorsement"),
            ("profiles", "Follow"),
            ("account", "EmailAddress"),
            ("charter", "CharterAcceptance"),
            ("communities", "Community"),
            ("communities", "Membership"),
            ("communities", "CommunityUserObjectPermission"),
            ("taggit", "Tag"),
            ("posts", "Post"),
            ("posts", "TaggedPost"),
            ("posts", "Comment"),
            ("posts", "Like"),
            ("notifications", "Notification"),
            ("posts", "TagFollow"),
            ("posts", "CommunityFollow"),
            ("moderation", "Case"),
            ("moderation", "Report"),
            ("moderation", "CaseEvent"),
        ]
        statements = connection.ops.sequence_reset_sql(
            no_style(), [apps.get_model(a, m) for a, m in names]
        )
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def generate(size_name: str, seed: int, progress: Callable[[str], None] = print) -> Counter:
    if size_name not in SIZES:
        raise ValueError(f"unknown size {size_name!r}: choose one of {', '.join(SIZES)}")
    return Company(SIZES[size_name], seed, progress).build()
