"""Questions asked to colleagues, and their routing to experts: data and invariants.

A question is a post (one-to-one): it lives in the post's community, is read, tagged,
searched, moderated and commented like any post. Who may read, ask, answer or accept
is decided in `access.questions`, never here.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from posts.models import Comment, Post
from profiles.models import Skill

TITLE_MAX_LENGTH = 200


class Question(models.Model):
    post = models.OneToOneField(
        Post,
        verbose_name=_("post"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="question",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    accepted_answer = models.ForeignKey(
        Comment,
        verbose_name=_("accepted answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when an answer is accepted. Stays set if that answer is later erased (its
    # author's data purged): the question was resolved, the answer is just gone.
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # Stored counter, kept by the routing service: what the asker is told ("offered to
    # 3 experts"), never who.
    offered_count = models.PositiveSmallIntegerField(_("offered to"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.title

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class AnswerWillingness(models.Model):
    """A person's choice to be offered questions on their skills (no row: not willing)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="answer_willingness",
    )
    willing = models.BooleanField(_("willing to answer questions on their skills"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("willingness to answer")
        verbose_name_plural = _("willingness to answer")

    def __str__(self) -> str:
        return f"{self.user} — {self.willing}"


class QuestionOffer(models.Model):
    """A question offered to one person for a skill they hold (expert routing)."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="offers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered to"),
        on_delete=models.CASCADE,
        related_name="question_offers",
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("for the skill"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("offered at"), default=timezone.now)

    class Meta:
        verbose_name = _("question offered to an expert")
        verbose_name_plural = _("questions offered to experts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="question_offer_once"),
        ]
        # The weekly cap counts a person's recent offers; their page lists them.
        indexes = [models.Index(fields=["user", "-created_at"], name="question_offer_inbox")]

    def __str__(self) -> str:
        return f"{self.question_id} → {self.user}"


class AnswerStanding(models.Model):
    """How many of a person's answers were accepted on questions tagged with one of
    their skills (shown on the profile beside the skill; never a ranking)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="answer_standings",
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="+"
    )
    accepted_count = models.PositiveIntegerField(_("answers accepted"), default=0)

    class Meta:
        verbose_name = _("answers accepted on a skill")
        verbose_name_plural = _("answers accepted on skills")
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="answer_standing_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.skill}: {self.accepted_count}"
