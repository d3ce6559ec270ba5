"""Factories for posts and comments (rows as the services would leave them)."""

import factory
from django.db.models import F

from posts.models import Comment, Post
from posts.rendering import BODY_HTML_VERSION, render_body

from .communities_factories import CommunityFactory
from .factories import UserFactory


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Post number {n}: news worth sharing.")
    # Rendered at write, as the services do (body_html_version=None: an older row).
    body_html = factory.LazyAttribute(lambda o: render_body(o.body))
    body_html_version = BODY_HTML_VERSION

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.add(*extracted)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment
        skip_postgeneration_save = True

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}.")
    body_html = factory.LazyAttribute(lambda o: render_body(o.body))
    body_html_version = BODY_HTML_VERSION

    @factory.post_generation
    def counter(obj, create, extracted, **kwargs):
        if create:
            Post.objects.filter(pk=obj.post_id).update(comments_count=F("comments_count") + 1)
