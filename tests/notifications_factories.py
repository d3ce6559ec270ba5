"""Factories for notifications: rows as `notify` would leave them (no access check:
tests that need the check call `notify` itself)."""

import factory

from notifications.models import Kind, Notification

from .factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Kind.FOLLOWED
    actor = factory.SubFactory(UserFactory)
