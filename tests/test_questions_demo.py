"""seed_demo adds questions through the services: a resolved one and open ones, offered
to willing demo experts — once."""

import io

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from questions.models import AnswerStanding, AnswerWillingness, Question, QuestionOffer

pytestmark = pytest.mark.django_db


def test_seed_demo_questions_once():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Question.objects.count(), QuestionOffer.objects.count())
    assert Question.objects.filter(resolved_at__isnull=False).exists()
    assert Question.objects.filter(resolved_at__isnull=True).count() >= 2
    assert QuestionOffer.objects.exists()
    assert AnswerStanding.objects.filter(accepted_count__gt=0).exists()
    assert AuditEntry.objects.filter(action="question.answer_accepted").exists()
    # The plain employee account is left to try the opt-in.
    assert not AnswerWillingness.objects.filter(
        user__email="camille.martin@example.com", willing=True
    ).exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert (Question.objects.count(), QuestionOffer.objects.count()) == counts
