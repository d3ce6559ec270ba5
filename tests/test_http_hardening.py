"""HTTP hardening (issue 27): Content-Security-Policy, Permissions-Policy, no caching of
signed-in pages, a cap on request bodies."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.test import Client

from .posts_factories import PostFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.headers["Cache-Control"].split(",")}


def csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("url", ["/", "/people/", "/communities/", "/admin/", "/me/"])
def test_signed_in_pages_carry_the_policies_and_are_not_cached(client, admin_user, url):
    client.force_login(admin_user)

    response = client.get(url)

    assert response.status_code == 200
    policy = csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert {"private", "no-store"} <= cache_control(response)  # admin adds never_cache's


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/tags/%00/"])
def test_pages_for_visitors_carry_the_policies_too(client, url):
    response = client.get(url)

    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Permissions-Policy" in response.headers


def test_files_keep_their_own_private_caching_and_policy(client, employee, settings, tmp_path):
    from django.core.files.base import ContentFile

    from posts.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    post = PostFactory(community__access="free", author=employee)
    attachment = Attachment.objects.create(
        post=post,
        file=ContentFile(b"hello", name="notes.txt"),
        original_name="notes.txt",
        content_type="text/plain",
        size=5,
        kind=Attachment.Kind.DOCUMENT,
    )
    client.force_login(employee)

    response = client.get(f"/attachments/{attachment.pk}/notes.txt")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, max-age=3600"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_signing_out_leaves_nothing_cacheable_behind(client, employee):
    client.force_login(employee)
    assert client.get("/").headers["Cache-Control"] == "private, no-store"

    client.post("/accounts/logout/")

    assert client.get("/").status_code == 302  # and the browser kept no copy of it


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\son[a-z]+=\"")


def project_templates():
    for directory in engines["django"].template_dirs:
        directory = Path(directory)
        # Ours only: not the installed packages (of .venv, .venv313 or any other).
        if ROOT in directory.parents and "site-packages" not in directory.parts:
            yield from directory.rglob("*.html")


def test_no_template_holds_an_inline_script_or_style():
    templates = list(project_templates())
    offending = [
        str(path.relative_to(ROOT))
        for path in templates
        if INLINE_SCRIPT.search(path.read_text()) or INLINE_STYLE.search(path.read_text())
    ]

    assert len(templates) > 50  # the walk sees every app's templates
    assert offending == []


class LargeUpload:
    """A multipart body with one file of `size` bytes, made as it is read, counting what
    the server reads of it."""

    BOUNDARY = "----rse"

    def __init__(self, size: int):
        self.head = (
            f"--{self.BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="attachments"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.size = len(self.head) + size + len(self.tail)
        self.read_bytes = 0

    def _byte_range(self, start: int, stop: int) -> bytes:
        zeros_end = self.size - len(self.tail)
        out = self.head[start:stop]
        out += b"\0" * max(0, min(stop, zeros_end) - max(start, len(self.head)))
        return out + self.tail[max(0, start - zeros_end) : max(0, stop - zeros_end)]

    def read(self, size: int = -1) -> bytes:
        stop = self.size if size < 0 else min(self.size, self.read_bytes + size)
        chunk = self._byte_range(self.read_bytes, stop)
        self.read_bytes = stop
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size)


def test_a_100_mb_upload_is_refused_before_it_is_read(employee):
    client = Client()
    client.force_login(employee)
    body = LargeUpload(100 * 1024 * 1024)

    response = client.generic(
        "POST",
        "/posts/new/",
        CONTENT_TYPE=f"multipart/form-data; boundary={LargeUpload.BOUNDARY}",
        CONTENT_LENGTH=str(body.size),
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert "larger than the site accepts" in response.text
    assert body.read_bytes == 0
    from posts.models import Post

    assert not Post.objects.exists()


def test_the_cap_leaves_room_for_a_post_with_all_its_attachments():
    assert settings.RSE_REQUEST_MAX_BYTES == (
        settings.RSE_ATTACHMENTS_PER_POST * settings.RSE_ATTACHMENT_MAX_BYTES + 1024 * 1024
    )
    assert settings.RSE_REQUEST_MAX_BYTES == 51 * 1024 * 1024


def test_a_body_within_the_cap_goes_through(client, employee, settings):
    settings.RSE_REQUEST_MAX_BYTES = 10
    client.force_login(employee)

    small = client.post("/search/", {}, content_type="application/x-www-form-urlencoded")
    large = client.post("/search/", {"q": "a long enough body"})

    assert small.status_code != 413
    assert large.status_code == 413
