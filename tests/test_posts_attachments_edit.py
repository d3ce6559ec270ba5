"""Editing a post: its author adds attachments and removes some; a refused change
writes nothing (no row, no file); the removed files leave the storage; nobody else may
touch the attachments of a post."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from communities.models import Community
from posts import services
from posts.models import Attachment

from .communities_factories import CommunityFactory, MembershipFactory
from .posts_stream_factories import image_upload, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def posted():
    community = CommunityFactory(access=Community.Access.CLOSED)
    author = MembershipFactory(community=community).user
    post = services.post_create(
        actor=author, community=community, body="Plans", uploads=[pdf_upload("old.pdf")]
    )
    return author, post


def edit(client, post, **data):
    return client.post(f"/posts/{post.pk}/edit/", {"body": post.body, "tags": "", **data})


def test_the_author_adds_and_removes_attachments(
    client, posted, tmp_path, django_capture_on_commit_callbacks
):
    author, post = posted
    old = post.attachments.get()
    client.force_login(author)
    page = client.get(f"/posts/{post.pk}/edit/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert f'name="remove" value="{old.pk}"' in page and "Remove old.pdf" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = edit(client, post, remove=[old.pk], attachments=[image_upload("site.png")])

    assert response.status_code == 302
    assert [a.original_name for a in post.attachments.all()] == ["site.png"]
    assert not any(tmp_path.rglob("old*.pdf"))  # the file left with its row
    post.refresh_from_db()
    assert post.edited_at is not None


@override_settings(RSE_ATTACHMENTS_PER_POST=2)
def test_too_many_attachments_change_nothing(client, posted, tmp_path):
    author, post = posted
    client.force_login(author)

    response = edit(
        client, post, body="Changed", attachments=[pdf_upload("a.pdf"), pdf_upload("b.pdf")]
    )

    assert response.status_code == 400
    assert "up to 2 attachments" in response.content.decode()
    assert "Changed" in response.content.decode()  # the typed text is kept
    assert [a.original_name for a in post.attachments.all()] == ["old.pdf"]
    assert not any(tmp_path.rglob("a*.pdf")) and not any(tmp_path.rglob("b*.pdf"))
    post.refresh_from_db()
    assert post.body == "Plans" and post.edited_at is None


@pytest.mark.parametrize("remove", ["abc", "999999", "-1"])
def test_removing_what_is_not_the_posts_changes_nothing(client, posted, remove):
    author, post = posted
    other = services.post_create(
        actor=author, community=post.community, body="Other", uploads=[pdf_upload("x.pdf")]
    )
    client.force_login(author)
    for value in [remove, str(other.attachments.get().pk)]:
        response = edit(client, post, remove=[value])
        assert response.status_code == 400
        assert "not one of the post" in response.content.decode()
    assert Attachment.objects.count() == 2


def test_a_bad_file_changes_nothing(client, posted):
    author, post = posted
    old = post.attachments.get()
    client.force_login(author)
    response = edit(client, post, remove=[old.pk], attachments=[SimpleUploadedFile("x.exe", b"MZ")])
    assert response.status_code == 400
    assert post.attachments.get() == old


def test_nobody_else_edits_the_attachments(client, posted):
    author, post = posted
    colleague = MembershipFactory(community=post.community).user
    old = post.attachments.get()
    client.force_login(colleague)
    response = edit(client, post, remove=[old.pk])
    assert response.status_code == 302
    assert post.attachments.get() == old
