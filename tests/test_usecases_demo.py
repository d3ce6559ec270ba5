"""seed_demo adds questions, events and ideas through the services — once: a resolved question
and open ones offered to willing demo experts; upcoming, past, full and cancelled
events with answers; an idea box with ideas at every status."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from events.models import Event, Rsvp
from ideas.models import Idea, Vote
from questions.models import AnswerStanding, AnswerWillingness, Question, QuestionOffer

pytestmark = pytest.mark.django_db


def test_seed_demo_questions_and_events_once():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (
        Question.objects.count(),
        QuestionOffer.objects.count(),
        Event.objects.count(),
        Rsvp.objects.count(),
        Idea.objects.count(),
        Vote.objects.count(),
    )
    assert Question.objects.filter(resolved_at__isnull=False).exists()
    assert Question.objects.filter(resolved_at__isnull=True).count() >= 2
    assert QuestionOffer.objects.exists()
    assert AnswerStanding.objects.filter(accepted_count__gt=0).exists()
    assert AuditEntry.objects.filter(action="question.answer_accepted").exists()
    # The plain employee account is left to try the opt-in.
    assert not AnswerWillingness.objects.filter(
        user__email="camille.martin@example.com", willing=True
    ).exists()
    now = timezone.now()
    assert Event.objects.filter(ends_at__lt=now).exists()
    assert Event.objects.filter(starts_at__gt=now, cancelled_at__isnull=True).count() >= 3
    assert Event.objects.filter(cancelled_at__isnull=False).exists()
    assert Event.objects.filter(waiting_count__gt=0).exists()
    assert AuditEntry.objects.filter(action="event.cancelled").exists()
    assert set(Idea.objects.values_list("status", flat=True)) == set(Idea.Status.values)
    assert AuditEntry.objects.filter(action="ideas.merged").exists()
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Question.objects.count(),
        QuestionOffer.objects.count(),
        Event.objects.count(),
        Rsvp.objects.count(),
        Idea.objects.count(),
        Vote.objects.count(),
    ) == counts
