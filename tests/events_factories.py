"""Factories for events (rows as the services would leave them)."""

from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Event

from .posts_factories import PostFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    post = factory.SubFactory(PostFactory)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + timedelta(hours=2))
    time_zone = "Europe/Paris"
    place = "Lyon, room 4"
