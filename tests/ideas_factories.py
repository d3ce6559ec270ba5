"""Factories for the idea box (rows as the services would leave them)."""

import factory

from ideas.models import Idea, IdeaBox

from .posts_factories import PostFactory


class IdeaBoxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdeaBox
        django_get_or_create = ("community",)

    enabled = True


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    title = factory.Sequence(lambda n: f"Idea {n}: make things better")

    @factory.post_generation
    def box(obj, create, extracted, **kwargs):
        if create and obj.post.community_id is not None:
            IdeaBoxFactory(community=obj.post.community)
