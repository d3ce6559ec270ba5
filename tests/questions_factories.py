"""Factories for questions (rows as the services would leave them)."""

import factory

from questions.models import AnswerWillingness, Question

from .posts_factories import PostFactory


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    post = factory.SubFactory(PostFactory)
    title = factory.Sequence(lambda n: f"How do I solve problem {n}?")


class WillingnessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnswerWillingness
        django_get_or_create = ("user",)

    willing = True
