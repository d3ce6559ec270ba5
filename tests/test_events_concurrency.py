"""Answers to an event under real concurrency (PostgreSQL, threads, each its own
connection and transaction): a double click counts once, and the capacity is never
exceeded however many answer at the same moment."""

import threading

import pytest
from django.db import connections

from communities.models import Community
from events import services
from events.models import Event, Rsvp

from .communities_factories import CommunityFactory
from .events_factories import EventFactory
from .factories import UserFactory
from .posts_factories import PostFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(calls) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_a_double_click_counts_once():
    event = EventFactory(post=PostFactory(community=CommunityFactory(access="free")))
    person = UserFactory()
    errors = at_once(
        [lambda: services.rsvp_set(actor=person, event=event, answer="going") for _ in range(2)]
    )
    assert errors == []
    event.refresh_from_db()
    assert Rsvp.objects.filter(user=person).count() == 1
    assert (event.going_count, event.waiting_count) == (1, 0)


def test_the_capacity_is_never_exceeded():
    event = EventFactory(
        post=PostFactory(community=CommunityFactory(access=Community.Access.FREE)), capacity=3
    )
    people = [UserFactory() for _ in range(8)]
    errors = at_once(
        [
            (lambda who=who: services.rsvp_set(actor=who, event=event, answer="going"))
            for who in people
        ]
    )
    assert errors == []
    event.refresh_from_db()
    going = Rsvp.objects.filter(event=event, answer="going", waiting=False).count()
    waiting = Rsvp.objects.filter(event=event, answer="going", waiting=True).count()
    assert (going, waiting) == (3, 5)
    assert (event.going_count, event.waiting_count) == (3, 5)
    assert Event.objects.get(pk=event.pk).going_count <= event.capacity
