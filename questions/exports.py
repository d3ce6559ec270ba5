"""This app's section of "Download my data" (registry: core.exports)."""

from django.utils.translation import gettext_lazy as _

from access.questions import questions_readable_by
from core import exports

from .models import AnswerStanding, AnswerWillingness, QuestionOffer


@exports.section("questions", _("Questions offered to me, willingness to answer"), order=32)
def questions(user) -> exports.Rows:
    """Questions offered to the person that they may still read; their willingness to
    be offered questions; their answers accepted per skill. (Their questions are posts.)"""
    rows: exports.Rows = [
        {"kind": "willingness", "willing": w.willing, "updated_at": w.updated_at}
        for w in AnswerWillingness.objects.filter(user=user)
    ]
    readable = questions_readable_by(user).values("pk")
    rows += [
        {"kind": "offered", "post": post, "title": title, "skill": skill, "offered_at": at}
        for post, title, skill, at in QuestionOffer.objects.filter(
            user=user, question__post__in=readable
        )
        .order_by("pk")
        .values_list("question_id", "question__title", "skill__name", "created_at")
    ]
    rows += [
        {"kind": "answers_accepted", "skill": skill, "count": count}
        for skill, count in AnswerStanding.objects.filter(user=user)
        .order_by("pk")
        .values_list("skill__name", "accepted_count")
    ]
    return rows
