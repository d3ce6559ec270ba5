"""Search reads: one function per section, each taking (viewer, query, filters).

Access first: every section starts from the selector that decides what its pages show
(people: `users_visible_to`; communities: `communities_discoverable_by`; posts:
`posts_readable_by`; tags: those on at least one post the viewer may read), and only
then matches, ranks and counts. No other visibility rule is written here.

PostgreSQL: stored search vectors (French and English, unaccented, see the migration)
with GIN indexes, ranked by relevance then recency; trigram similarity on names.
Posts are ranked among the newest `RSE_SEARCH_MAX_RESULTS` matches, and counts stop
just past that number (`core.pagination`, `CappedCount`): the pages say "1,000+".
SQLite: case- and accent-folded substring matching (`rse_fold`), with a light stemming
of plurals; same result shapes, same access rules.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import (
    SearchRank,
    TrigramWordSimilarity,
)
from django.db.models import (
    Case,
    Exists,
    F,
    OrderBy,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat, Length
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from access.communities import communities_discoverable_by, communities_readable_by
from access.people import users_visible_to
from access.posts import posts_readable_by
from posts.models import Post, TaggedPost
from posts.selectors import asked_as_questions
from profiles.models import User, UserSkill
from profiles.selectors import user_skills_ranked

from .expressions import (
    LANGUAGES,
    CappedCount,
    Fold,
    NotIndexed,
    _all_terms,
    _cap,
    _folded_contains,
    _phrase_pattern,
    _postgres,
    _search_name,
    _tsquery,
    _vector,
    _with_folds,
)
from .text import ParsedQuery, fold, stem

# People.


@dataclass(frozen=True)
class PeopleFilters:
    department: str = ""
    site: str = ""
    skill: str = ""


PEOPLE_FOLDED = ["first_name", "last_name", "username", "job_title", "department", "site"]


def _has_skill(term: str) -> Exists:
    key = fold(" ".join(term.split()))
    return Exists(UserSkill.objects.filter(user=OuterRef("pk"), skill__normalized__contains=key))


def _people_matching_on_postgres(term: str):
    """Ids of the people matching one word: in their search vector, by a name close to it
    (typos), or by a skill. A union, so that each part reads its own index."""
    folded = fold(term)
    by_words = User.objects.alias(_vector=_vector()).filter(
        _vector=_tsquery(term, configs=("simple", *LANGUAGES))
    )
    by_name = User.objects.alias(_name=_search_name()).filter(_name__trigram_word_similar=folded)
    by_skill = UserSkill.objects.filter(skill__normalized__contains=folded)
    return (
        by_words.order_by()
        .values("pk")
        .union(by_name.order_by().values("pk"), by_skill.order_by().values("user_id"))
    )


def search_people(viewer, query: ParsedQuery, filters: PeopleFilters | None = None):
    """Active people `viewer` may see, matching every word by name (typos tolerated on
    PostgreSQL), username, job title, department, site or skill."""
    terms = query.people_terms()
    people = users_visible_to(viewer).filter(is_active=True)
    if not terms:
        return people.none()
    filters = filters or PeopleFilters()
    if filters.department:
        people = people.filter(department=filters.department)
    if filters.site:
        people = people.filter(site=filters.site)
    if filters.skill.strip():
        people = people.filter(_has_skill(filters.skill))
    if _postgres():
        # Who matches every term, read first as a list of ids (joined as subqueries, the
        # planner expected thousands and read the whole table twice: for the count,
        # then for the top); ranked by closeness of name and words. Past the cap (a
        # skill half the company holds), relevance means little and ranking everyone
        # takes seconds: those people come by name, as in the directory.
        matching = reduce(
            lambda both, term: both.intersection(_people_matching_on_postgres(term)),
            terms[1:],
            _people_matching_on_postgres(terms[0]),
        )
        ids = [row["pk"] for row in matching[: _cap() + 1]]
        if len(ids) > _cap():
            people = people.filter(pk__in=matching).order_by("last_name", "first_name", "pk")
        else:
            people = people.filter(pk__any=ids).alias(_vector=_vector(), _name=_search_name())
            people = people.annotate(
                rank=TrigramWordSimilarity(fold(" ".join(terms)), F("_name"))
                + SearchRank(F("_vector"), _tsquery(" ".join(terms), configs=("simple",)))
            ).order_by("-rank", "last_name", "first_name", "pk")
    else:
        people = _with_folds(people, PEOPLE_FOLDED)
        for term in terms:
            people = people.filter(_folded_contains(PEOPLE_FOLDED, term) | _has_skill(term))
        people = people.order_by("last_name", "first_name", "pk")
    return people.select_related("profile").prefetch_related(
        Prefetch("user_skills", queryset=user_skills_ranked(), to_attr="ranked_skills")
    )


def people_named(people: QuerySet[User], text: str) -> QuerySet[User]:
    """`people` whose full name or username contains every word of `text`, case and
    accents aside (the directory's name box). On PostgreSQL, the full name is read from
    the folded column kept by the search migration, through its trigram index."""
    full_name = Concat("first_name", Value(" "), "last_name")
    people = people.alias(_name=_search_name() if _postgres() else Fold(full_name))
    for word in text.split():
        people = people.filter(Q(_name__contains=fold(word)) | Q(username__icontains=word))
    return people


# Communities.


def search_communities(viewer, query: ParsedQuery, filters=None):
    """Communities `viewer` may discover, matching every word in name or description."""
    communities = communities_discoverable_by(viewer)
    if not query.general:
        return communities.none()
    if _postgres():
        communities = communities.alias(_vector=_vector(), _name=Fold(F("name")))
        for word in query.words:
            communities = communities.filter(
                Q(_vector=_tsquery(word)) | Q(_name__contains=fold(word))
            )
        for phrase in query.phrases:
            communities = communities.filter(
                Q(_vector=_tsquery(phrase, phrase=True)) | Q(_name__contains=fold(phrase))
            )
        rank = SearchRank(F("_vector"), _tsquery(" ".join(query.terms())))
        return communities.annotate(rank=rank).order_by("-rank", "-members_count", "name", "pk")
    fields = ["name", "description"]
    communities = _with_folds(communities, fields)
    for word in query.words:
        communities = communities.filter(_folded_contains(fields, word))
    for phrase in query.phrases:
        pattern = _phrase_pattern(phrase)
        communities = communities.filter(
            Q(_fold_name__regex=pattern) | Q(_fold_description__regex=pattern)
        )
    return communities.order_by("-members_count", "name", "pk")


# Posts.


@dataclass(frozen=True)
class PostFilters:
    community: str = ""  # slug
    author: str = ""  # username
    tag: str = ""  # slug
    since: date | None = None
    until: date | None = None
    question: str = ""  # "" (any post), or one of QUESTION_FILTERS


# Posts asked as questions (any, or in a state): the states are those of the questions
# pages, defined on the posts side (`posts.selectors.asked_as_questions`) since search and
# questions may not import each other. A join on the question row, never another query.
QUESTION_FILTERS = {"any": "all", "unanswered": "unanswered", "resolved": "resolved"}


def _matching_tags(names: list[str]) -> Q:
    """Tags named like one of `names` (slug, or case and accents aside)."""
    conditions = [
        Q(slug=slugify(name)) | Q(_fold_name=fold(name.replace("-", " "))) for name in names
    ]
    return reduce(or_, conditions)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_posts(viewer, query: ParsedQuery, filters: PostFilters | None = None):
    """Posts `viewer` may read, containing every word and phrase and carrying every
    #tag asked for; by relevance then recency on PostgreSQL, by recency on SQLite."""
    posts = posts_readable_by(viewer)
    if not (query.general or query.tags):
        return posts.none()
    filters = filters or PostFilters()
    for name in query.tags:
        tags = Tag.objects.alias(_fold_name=Fold(F("name"))).filter(_matching_tags([name]))
        posts = posts.filter(
            Exists(TaggedPost.objects.filter(content_object=OuterRef("pk"), tag__in=tags))
        )
    if filters.community:
        posts = posts.filter(community__slug=filters.community)
    if filters.author:
        posts = posts.filter(author__username__iexact=filters.author)
    if filters.tag:
        posts = posts.filter(
            Exists(TaggedPost.objects.filter(content_object=OuterRef("pk"), tag__slug=filters.tag))
        )
    if filters.since:
        posts = posts.filter(created_at__gte=_day_start(filters.since))
    if filters.until:
        posts = posts.filter(created_at__lt=_day_start(filters.until + timedelta(days=1)))
    if filters.question:
        posts = asked_as_questions(posts, QUESTION_FILTERS[filters.question])
    ordering = ["-created_at", "-id"]
    tsquery = _all_terms(query) if _postgres() else None
    if tsquery is not None:
        posts = posts.alias(_vector=_vector()).filter(_vector=tsquery)
    elif not _postgres():
        posts = posts.alias(_fold_body=Fold(F("body")))
        for word in query.words:
            # In the text, or in the name of one of the post's tags ("lean" finds a post
            # tagged #lean), as PostgreSQL's stored vector holds both.
            key = stem(fold(word))
            in_tags = TaggedPost.objects.alias(_fold_tag=Fold(F("tag__name"))).filter(
                content_object=OuterRef("pk"), _fold_tag__contains=key
            )
            posts = posts.filter(Q(_fold_body__contains=key) | Exists(in_tags))
        for phrase in query.phrases:
            posts = posts.filter(_fold_body__regex=_phrase_pattern(phrase))
    # The newest matches, read once as a list of ids: counting the section, showing its
    # top and paging through it then read only these rows.
    window: list[str | OrderBy] = list(ordering)
    if tsquery is not None:
        # Sorted on a copy of the date, not the date's index: walking that index newest
        # first and testing each post's vector takes seconds for a broad word, reading
        # its matches from the search index and sorting them takes milliseconds.
        window = [NotIndexed(F("created_at")).desc(), "-id"]
        newest = list(_newest_matches_by_period(posts, window))
    else:
        newest = list(posts.order_by(*window).values_list("pk", flat=True)[: _cap() + 1])
    posts = Post.objects.filter(pk__any=newest)
    if tsquery is not None:
        posts = posts.alias(_vector=_vector()).annotate(rank=SearchRank(F("_vector"), tsquery))
        ordering = ["-rank", *ordering]
    # "question": a question's result says so, with its title and state.
    found = posts.select_related("author", "community", "question").order_by(*ordering)
    found.known_count = len(newest)  # type: ignore[attr-defined]  # see core.pagination
    return found


# Periods, newest first, in which the newest matches of a search are looked for: the
# last week, then the three weeks before, and so on; the last one has no lower bound.
SEARCH_PERIODS_DAYS = (7, 30, 90, 365)


def _newest_matches_by_period(posts: QuerySet[Post], window: list) -> QuerySet:
    """The ids of the newest `_cap() + 1` matches, in one query: a `UNION ALL` of the
    same search over consecutive periods, newest first, each sorted and limited, under
    one `LIMIT`. PostgreSQL runs the parts in order and stops as soon as the limit is
    reached, and each part reads only the matches of its period (its date range and the
    search index combined, `BitmapAnd`): a broad word found in many posts reads about
    `_cap()` of them instead of all. A rare word reads every period, as before. Same
    rows as one sorted query (the periods do not overlap)."""
    now = timezone.now()
    limit = _cap() + 1
    parts, upper = [], None
    for lower in [*(now - timedelta(days=days) for days in SEARCH_PERIODS_DAYS), None]:
        part = posts
        if upper is not None:
            part = part.filter(created_at__lt=upper)
        if lower is not None:
            part = part.filter(created_at__gte=lower)
        parts.append(part.order_by(*window).values_list("pk", flat=True)[:limit])
        upper = lower
    return parts[0].union(*parts[1:], all=True)[:limit]


# Tags.


# A tag's posts are counted up to this ("100+ posts"): each is checked for access, and a
# popular tag is on a quarter of a million posts.
TAG_COUNT_CAP = 100


def _readable_links(viewer) -> QuerySet[TaggedPost]:
    """The links of the tag of the outer query to posts `viewer` may read: a tag is
    seen when it has one, and counted by them.

    The communities `viewer` may read are read first as a list: the per-tag checks
    and counts then probe each tag's links instead of hashing every readable post."""
    communities = list(communities_readable_by(viewer).values_list("pk", flat=True))
    readable = posts_readable_by(viewer, readable_community_ids=communities).values("pk")
    return TaggedPost.objects.filter(tag=OuterRef("pk"), content_object__in=readable)


def _posts_count(links: QuerySet[TaggedPost]) -> CappedCount:
    return CappedCount(links.order_by().values("pk")[: TAG_COUNT_CAP + 1])


def search_tags(viewer, query: ParsedQuery, filters=None):
    """Tags `viewer` may see (used on a post they may read), named like a #tag asked for
    or containing every word; closest names first: the name itself, then names that
    start with it, then the shortest.

    Not the most used first: that would count every matching tag's posts, hundreds of
    thousands of links for a broad word; only the tags shown are counted. The matching
    tags are read first as a list of ids, so that whether each may be seen is checked
    once, not again for the count and the page."""
    conditions = []
    if query.tags:
        conditions.append(_matching_tags(list(query.tags)))
    searched = [*query.words, *(word for phrase in query.phrases for word in phrase.split())]
    words = [Q(_fold_name__contains=stem(fold(word))) for word in searched]
    if words:
        conditions.append(reduce(and_, words))
    if not conditions:
        return Tag.objects.none()
    closest = fold(query.tags[0].replace("-", " ")) if query.tags else stem(fold(searched[0]))
    closeness = Case(
        When(_fold_name=closest, then=Value(0)),
        When(_fold_name__startswith=closest, then=Value(1)),
        default=Value(2),
    )
    ordering = [closeness, Length("name"), "name", "pk"]
    links = _readable_links(viewer)
    tags = Tag.objects.alias(_fold_name=Fold(F("name")))
    matching = tags.filter(reduce(or_, conditions), Exists(links)).order_by(*ordering)
    ids = list(matching.values_list("pk", flat=True)[: _cap() + 1])
    found = tags.filter(pk__any=ids).annotate(posts_count=_posts_count(links)).order_by(*ordering)
    found.known_count = len(ids)  # type: ignore[attr-defined]  # see core.pagination
    return found


SECTIONS = {
    "people": search_people,
    "communities": search_communities,
    "posts": search_posts,
    "tags": search_tags,
}
