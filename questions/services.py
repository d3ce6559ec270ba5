"""Writes about questions: ask, route to experts, accept an answer, opt in to answer.

Each checks who acts through `access.questions`, writes in one transaction, and
records what a governance person would ask about in the audit trail.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from access import questions as question_rules
from access.viewer import as_viewer
from audit import services as audit
from communities.models import Community
from core.notices import notify
from posts import services as post_services
from posts.models import Comment, Post, TaggedPost
from profiles.models import Skill, User, UserSkill, normalize_skill_name

from .models import TITLE_MAX_LENGTH, AnswerStanding, AnswerWillingness, Question, QuestionOffer

# How far back the weekly cap of the routing looks.
OFFER_WINDOW = timedelta(days=7)
# How many holders of a skill the routing examines at most, best first.
CANDIDATES_EXAMINED = 200


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("A question needs a title."))
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(
            _("The title is too long: %(count)d characters, at most %(limit)d.")
            % {"count": len(title), "limit": TITLE_MAX_LENGTH}
        )
    return title


def question_ask(
    *, actor: User, community: Community | None, title: str, body: str, tags: str = ""
) -> Question:
    """Publish a post asked as a question, then offer it to a few willing experts."""
    if not question_rules.can_ask(actor, community):
        if community is not None and community.is_archived:
            raise PermissionDenied(_("This community is archived: it is read-only."))
        raise PermissionDenied(_("You may not ask a question here."))
    title = clean_title(title)
    with transaction.atomic():
        post = post_services.post_create(actor=actor, community=community, body=body, tags=tags)
        question = Question.objects.create(post=post, title=title)
        question_route(question=question)
    return question


def _skills_of(post: Post) -> list[Skill]:
    """The skills of the shared vocabulary that the post's tags name (case, accents and
    spaces folded, as skills are)."""
    keys = set()
    for link in TaggedPost.objects.filter(content_object=post).select_related("tag"):
        for spelling in (link.name, link.tag.name, link.tag.slug.replace("-", " ")):
            key = normalize_skill_name(spelling or "")
            if key:
                keys.add(key)
    if not keys:
        return []
    return list(Skill.objects.filter(normalized__in=keys))


def _recent_offers(since) -> Subquery:
    return Subquery(
        QuestionOffer.objects.filter(user=OuterRef("user_id"), created_at__gte=since)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def question_route(*, question: Question) -> list[QuestionOffer]:
    """Offer `question` to up to RSE_QUESTION_EXPERTS people who hold one of its skills
    at expert (then practitioner) level, opted in, may read and answer it, are not the
    asker, and were offered fewer than RSE_QUESTION_OFFERS_PER_WEEK questions in the
    last seven days (the least asked first). Externals are never routed to."""
    post = question.post
    skills = _skills_of(post)
    if not skills:
        return []
    now = timezone.now()
    since = now - OFFER_WINDOW
    cap = settings.RSE_QUESTION_OFFERS_PER_WEEK
    holders = (
        UserSkill.objects.filter(
            skill__in=skills,
            level__in=[UserSkill.Level.EXPERT, UserSkill.Level.PRACTITIONER],
            user__is_active=True,
            user__kind=User.Kind.EMPLOYEE,
            user__answer_willingness__willing=True,
        )
        .exclude(user_id=post.author_id)
        .exclude(user__question_offers__question=question)
        .annotate(
            rank=Case(When(level=UserSkill.Level.EXPERT, then=Value(0)), default=Value(1)),
            load=Coalesce(_recent_offers(since), Value(0)),
        )
        .filter(load__lt=cap)
        .select_related("user", "skill")
        .order_by("rank", "load", "-endorsements_count", "user_id")
    )
    chosen: dict[int, UserSkill] = {}
    for holder in holders[:CANDIDATES_EXAMINED]:
        if holder.user_id in chosen:
            continue
        if not question_rules.can_be_offered(as_viewer(holder.user), post.community):
            continue
        chosen[holder.user_id] = holder
        if len(chosen) >= settings.RSE_QUESTION_EXPERTS:
            break
    offers = []
    with transaction.atomic():
        # The cap holds when two questions are routed at once: each person's row is
        # locked, then their offers of the week counted again.
        locked = (
            AnswerWillingness.objects.select_for_update()
            .filter(user_id__in=list(chosen), willing=True)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        for user_id in list(locked):
            if QuestionOffer.objects.filter(user_id=user_id, created_at__gte=since).count() >= cap:
                continue
            expert = chosen[user_id]
            offers.append(
                QuestionOffer.objects.create(
                    question=question, user_id=user_id, skill=expert.skill, created_at=now
                )
            )
            notify(
                recipient=expert.user,
                kind="question_offered",
                actor=post.author,
                post=post,
                data={"skill": expert.skill.name},
            )
        if offers:
            Question.objects.filter(pk=question.pk).update(
                offered_count=F("offered_count") + len(offers)
            )
            question.offered_count += len(offers)
    return offers


def _standing_skills(question: Question, answerer_id: int) -> list[int]:
    """The question's skills the answerer holds: where an accepted answer counts."""
    skills = _skills_of(question.post)
    return list(
        UserSkill.objects.filter(user_id=answerer_id, skill__in=skills).values_list(
            "skill_id", flat=True
        )
    )


def _standing_add(question: Question, answerer_id: int, step: int) -> None:
    if answerer_id == question.post.author_id:
        return  # answering one's own question raises nothing
    for skill_id in _standing_skills(question, answerer_id):
        standing, _created = AnswerStanding.objects.get_or_create(
            user_id=answerer_id, skill_id=skill_id
        )
        if step > 0:
            AnswerStanding.objects.filter(pk=standing.pk).update(
                accepted_count=F("accepted_count") + step
            )
        else:
            AnswerStanding.objects.filter(pk=standing.pk, accepted_count__gt=0).update(
                accepted_count=F("accepted_count") + step
            )


def answer_accept(*, actor: User, question: Question, comment: Comment, request=None) -> Question:
    """The asker, a manager or a moderator marks `comment` the accepted answer: the
    question is resolved. Accepting another answer replaces the earlier one."""
    post = question.post
    if not question_rules.can_accept(actor, post):
        raise PermissionDenied(_("Only the asker, a manager or a moderator may accept an answer."))
    if comment.post_id != post.pk:
        raise ValidationError(_("This answer belongs to another post: it cannot be accepted here."))
    if not comment.is_published:
        raise ValidationError(_("This answer is no longer there."))
    with transaction.atomic():
        locked = Question.objects.select_for_update().select_related("post").get(pk=question.pk)
        if locked.accepted_answer_id == comment.pk:
            return locked  # a double submit: once is enough
        previous_id = locked.accepted_answer_id
        previous_author = (
            Comment.objects.filter(pk=previous_id).values_list("author_id", flat=True).first()
            if previous_id
            else None
        )
        locked.accepted_answer = comment
        locked.accepted_by = actor
        locked.resolved_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["accepted_answer", "accepted_by", "resolved_at"])
        if previous_author is not None:
            _standing_add(locked, previous_author, -1)
        _standing_add(locked, comment.author_id, +1)
        audit.record(
            "question.answer_accepted",
            actor=actor,
            target=locked,
            request=request,
            data={
                "post": post.pk,
                "comment": comment.pk,
                "replaces": previous_id,
                "as": "asker" if actor.pk == post.author_id else "moderator",
            },
        )
    return locked


def answer_willingness_set(*, actor: User, willing: bool) -> AnswerWillingness:
    """I am (or am no longer) willing to be offered questions on my skills."""
    if not as_viewer(actor).is_employee:
        raise PermissionDenied(_("Only employees are offered questions."))
    row, _created = AnswerWillingness.objects.update_or_create(
        user=actor, defaults={"willing": willing}
    )
    return row
