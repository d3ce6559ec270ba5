"""Attachments: checked by extension and content, limited in size and number, stored
only with their post, served only to readers with safe headers, never by /media/."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from communities.models import Community
from posts import services
from posts.models import Attachment, Post
from posts.uploads import check_upload, safe_filename

from .communities_factories import CommunityFactory, MembershipFactory
from .factories import ExternalFactory, UserFactory
from .posts_stream_factories import image_upload, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _zip(entries: dict[str, bytes], name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    ("upload", "kind", "content_type"),
    [
        (image_upload("a.png"), "image", "image/png"),
        (image_upload("a.jpg", "JPEG"), "image", "image/jpeg"),
        (image_upload("a.gif", "GIF"), "image", "image/gif"),
        (pdf_upload(), "document", "application/pdf"),
        (SimpleUploadedFile("notes.txt", "Réunion à 10h".encode()), "document", "text/plain"),
        (SimpleUploadedFile("data.csv", b"a,b\n1,2\n"), "document", "text/csv"),
        (
            _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}, "a.docx"),
            "document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}, "a.odt"),
            "document",
            "application/vnd.oasis.opendocument.text",
        ),
    ],
)
def test_accepted_files(upload, kind, content_type):
    checked = check_upload(upload)
    assert (checked.kind, checked.content_type) == (kind, content_type)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("evil.html", b"<script>alert(1)</script>"), "not accepted"),
        (SimpleUploadedFile("evil.svg", b"<svg onload=alert(1)>"), "not accepted"),
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00"), "not accepted"),
        (SimpleUploadedFile("fake.png", b"<html>not an image</html>"), "not a valid PNG"),
        (image_upload("swapped.jpg", "PNG"), "not a valid JPG"),
        (SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"), "does not match"),
        (_zip({"word/document.xml": b"<x/>"}, "fake.xlsx"), "does not match"),
        (SimpleUploadedFile("binary.txt", b"abc\x00def"), "does not match"),
        (SimpleUploadedFile("empty.pdf", b""), "is empty"),
    ],
)
def test_forbidden_or_disguised_files_are_refused(upload, message):
    with pytest.raises(ValidationError) as error:
        check_upload(upload)
    assert message in " ".join(error.value.messages)


@override_settings(RSE_ATTACHMENT_MAX_BYTES=100)
def test_oversized_files_are_refused():
    with pytest.raises(ValidationError, match="too large"):
        check_upload(SimpleUploadedFile("big.txt", b"x" * 101))


def test_file_names_are_made_safe():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename('Rapport "final" été.pdf') == "Rapport_final_ete.pdf"
    assert safe_filename("") == "file"


@pytest.fixture
def member():
    community = CommunityFactory(access=Community.Access.CLOSED)
    return MembershipFactory(community=community).user, community


@override_settings(RSE_ATTACHMENTS_PER_POST=2)
def test_too_many_attachments_save_nothing(member, tmp_path):
    user, community = member
    with pytest.raises(ValidationError, match="up to 2 attachments"):
        services.post_create(
            actor=user,
            community=community,
            body="Files",
            uploads=[pdf_upload(), pdf_upload("b.pdf"), pdf_upload("c.pdf")],
        )
    assert not Post.objects.exists() and not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_a_bad_file_among_good_ones_saves_nothing(member, tmp_path):
    user, community = member
    with pytest.raises(ValidationError):
        services.post_create(
            actor=user,
            community=community,
            body="Files",
            uploads=[pdf_upload(), SimpleUploadedFile("x.exe", b"MZ")],
        )
    assert not Post.objects.exists() and not any(tmp_path.rglob("*.*"))


def test_attachments_are_served_to_readers_only_with_safe_headers(client, member):
    user, community = member
    post = services.post_create(
        actor=user,
        community=community,
        body="Files",
        uploads=[image_upload("photo.png"), pdf_upload("Compte rendu été.pdf")],
    )
    image, document = post.attachments.order_by("kind")[1], post.attachments.order_by("kind")[0]
    assert image.kind == "image" and document.kind == "document"
    client.force_login(user)
    response = client.get(f"/attachments/{image.pk}/{image.original_name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    # The original image is only a download; pages show its preview (see below).
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)
    response = client.get(f"/attachments/{document.pk}/{document.original_name}")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Compte_rendu_ete.pdf"'
    b"".join(response.streaming_content)

    for outsider in (UserFactory(), ExternalFactory()):
        client.force_login(outsider)
        assert client.get(f"/attachments/{image.pk}/{image.original_name}").status_code == 404
        assert client.get(f"/attachments/{image.pk}/preview/").status_code == 404
    # The storage path is never reachable through /media/.
    client.force_login(user)
    assert client.get(f"/media/{image.file.name}").status_code == 404


def test_attachments_of_a_deleted_post_are_no_longer_served(client, member):
    user, community = member
    post = services.post_create(
        actor=user, community=community, body="Files", uploads=[pdf_upload()]
    )
    attachment = post.attachments.get()
    services.post_delete(actor=user, post=post)
    client.force_login(user)
    assert client.get(f"/attachments/{attachment.pk}/x.pdf").status_code == 404


def test_the_composer_uploads_attachments(client, member):
    user, community = member
    client.force_login(user)
    response = client.post(
        "/posts/new/",
        {
            "community": community.slug,
            "body": "With a file",
            "attachments": [pdf_upload(), image_upload()],
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.attachments.count() == 2
    page = client.get(post.get_absolute_url()).content.decode()
    for attachment in post.attachments.all():
        assert f"/attachments/{attachment.pk}/" in page


def test_a_refused_attachment_keeps_the_typed_text(client, member):
    user, community = member
    client.force_login(user)
    response = client.post(
        "/posts/new/",
        {
            "community": community.slug,
            "body": "My long text",
            "tags": "alpha",
            "attachments": [SimpleUploadedFile("x.exe", b"MZ")],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "My long text" in page and 'value="alpha"' in page
    assert "this type of file is not accepted" in page
    assert not Post.objects.exists()


# --- Zip bombs (security finding 2) ---------------------------------------------------


class CountingBytes(io.BytesIO):
    """An upload's bytes that count how many were read."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self.bytes_read += count
        return count


def _counted(name: str, data: bytes) -> tuple[InMemoryUploadedFile, CountingBytes]:
    stream = CountingBytes(data)
    return InMemoryUploadedFile(stream, "attachments", name, None, len(data), None), stream


def _bomb(name: str, member: str, inflated: int, extra: dict[str, bytes]) -> bytes:
    """A small archive whose `member` inflates to `inflated` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open(member, "w", force_zip64=True) as handle:
            chunk = bytes(1024 * 1024)
            for _ in range(inflated // len(chunk)):
                handle.write(chunk)
        for entry, data in extra.items():
            archive.writestr(entry, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "member", "extra"),
    [
        ("bomb.odt", "mimetype", {}),
        ("bomb.docx", "word/document.xml", {"[Content_Types].xml": b"<x/>"}),
    ],
)
def test_a_zip_bomb_is_refused_without_being_inflated(name, member, extra):
    data = _bomb(name, member, 51 * 1024 * 1024, extra)  # past the 50 MiB default cap
    assert len(data) < 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        packed = archive.getinfo(member).compress_size
    upload, stream = _counted(name, data)
    with pytest.raises(ValidationError) as error:
        check_upload(upload)
    assert "cannot be accepted" in " ".join(error.value.messages)
    # Only the archive's directory was read: not even the packed member itself.
    assert stream.bytes_read < packed / 2


def test_the_one_member_read_is_inflated_in_a_bounded_chunk(monkeypatch):
    inflated = []
    read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = read(self, n)
        inflated.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    # Within the caps, but 20 MiB: only its first bytes are ever inflated.
    data = _bomb("long.odt", "mimetype", 20 * 1024 * 1024, {})
    with pytest.raises(ValidationError, match="does not match"):
        check_upload(SimpleUploadedFile("long.odt", data))
    assert sum(inflated) <= 64 * 1024


@override_settings(RSE_ARCHIVE_MAX_MEMBERS=3)
def test_an_archive_with_too_many_members_is_refused():
    entries = {"mimetype": b"application/vnd.oasis.opendocument.text"}
    entries.update({f"part{i}.xml": b"<x/>" for i in range(3)})
    with pytest.raises(ValidationError, match="at most 3 parts"):
        check_upload(_zip(entries, "many.odt"))


@override_settings(RSE_ARCHIVE_MAX_TOTAL_BYTES=1000, RSE_ARCHIVE_MAX_MEMBER_BYTES=600)
def test_an_archive_too_large_in_all_is_refused_though_each_part_is_small():
    entries = {"mimetype": b"application/vnd.oasis.opendocument.text"}
    entries.update({f"part{i}.xml": b"x" * 500 for i in range(3)})
    with pytest.raises(ValidationError, match="cannot be accepted"):
        check_upload(_zip(entries, "wide.odt"))


# --- Image pixels and previews (security finding 8) -------------------------------------


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_an_image_of_too_many_pixels_is_refused():
    data = _png(13000, 13000, "1")  # small on disk, 169 million pixels
    assert len(data) < 100 * 1024
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("huge.png", data))
    assert "13000×13000 pixels" in " ".join(error.value.messages)
    assert "up to 6000 pixels on each side" in " ".join(error.value.messages)


def test_pages_show_a_bounded_preview_and_the_original_is_a_download(client, member):
    user, community = member
    post = services.post_create(
        actor=user,
        community=community,
        body="Panorama",
        uploads=[SimpleUploadedFile("wide.png", _png(3000, 1500))],
    )
    attachment = post.attachments.get()
    with Image.open(attachment.preview) as preview:
        assert preview.size == (1280, 640) and preview.format == "JPEG"
    client.force_login(user)
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'src="/attachments/{attachment.pk}/preview/"' in page
    assert f'src="/attachments/{attachment.pk}/wide.png"' not in page
    response = client.get(f"/attachments/{attachment.pk}/preview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)
    response = client.get(f"/attachments/{attachment.pk}/wide.png")
    assert response["Content-Disposition"].startswith("attachment")
    b"".join(response.streaming_content)


def test_a_transparent_image_keeps_a_png_preview(member):
    user, community = member
    post = services.post_create(
        actor=user,
        community=community,
        body="Logo",
        uploads=[SimpleUploadedFile("logo.png", _png(40, 20, "RGBA"))],
    )
    assert post.attachments.get().preview.name.endswith(".png")


def test_images_stored_before_previews_get_one_and_too_large_ones_stay_downloads(member):
    from django.core.management import call_command

    user, community = member
    post = services.post_create(
        actor=user,
        community=community,
        body="Old",
        uploads=[SimpleUploadedFile("old.png", _png(2000, 100))],
    )
    old = post.attachments.get()
    old.preview.delete(save=True)  # as stored before previews existed
    huge = Attachment.objects.create(
        post=post, original_name="huge.png", content_type="image/png", size=1, kind="image"
    )
    huge.file.save("huge.png", io.BytesIO(_png(7000, 10, "1")), save=True)
    out = io.StringIO()
    call_command("attachment_previews", "--dry-run", stdout=out)
    assert "Previews made: 1, images refused: 1 (dry run)." in out.getvalue()
    assert not Attachment.objects.get(pk=old.pk).preview
    call_command("attachment_previews", stdout=io.StringIO())
    with Image.open(Attachment.objects.get(pk=old.pk).preview) as preview:
        assert preview.size == (1280, 64)
    assert not Attachment.objects.get(pk=huge.pk).preview
    out = io.StringIO()
    call_command("attachment_previews", stdout=out)  # again: nothing more to do
    assert "Previews made: 0, images refused: 1." in out.getvalue()
