"""Factories for the posts-stream tests: likes, follows, attachments, uploads."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from posts.models import CommunityFollow, Like, TagFollow

from .factories import UserFactory


class LikeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Like

    user = factory.SubFactory(UserFactory)


class CommunityFollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityFollow

    user = factory.SubFactory(UserFactory)


class TagFollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TagFollow

    user = factory.SubFactory(UserFactory)


def image_upload(name: str = "photo.png", fmt: str = "PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format=fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif"}.get(
        fmt, "application/octet-stream"
    )
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def pdf_upload(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf")
