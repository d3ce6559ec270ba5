"""Checks of uploaded attachments: extension AND content (magic bytes), size, count.

Images are opened with Pillow, limited in pixels and given a small re-encoded preview
(what pages show inline); office documents are zip containers whose inner layout is
checked from the directory, with caps on members and on their unpacked sizes, the one
member read (`mimetype`) in bounded chunks — never inflated whole; text must be UTF-8
without NUL bytes.
"""

import os
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from profiles.photos import reencode

IMAGE_TYPES = {
    "jpg": ("JPEG", "image/jpeg"),
    "jpeg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "gif": ("GIF", "image/gif"),
    "webp": ("WEBP", "image/webp"),
}
OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": OOXML + "wordprocessingml.document",
    "xlsx": OOXML + "spreadsheetml.sheet",
    "pptx": OOXML + "presentationml.presentation",
    "odt": ODF + "text",
    "ods": ODF + "spreadsheet",
    "odp": ODF + "presentation",
    "txt": "text/plain",
    "csv": "text/csv",
}
OOXML_FOLDER = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
ALLOWED_EXTENSIONS = sorted([*IMAGE_TYPES, *DOCUMENT_TYPES])


@dataclass(frozen=True)
class CheckedUpload:
    upload: File
    name: str
    content_type: str
    kind: str  # "image" or "document"
    size: int
    preview: ContentFile | None = None  # images: what pages show inline


def safe_filename(name: str) -> str:
    """A file name that is safe in a header and on disk: ASCII letters, digits, dots."""
    base = os.path.basename(name or "")
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = get_valid_filename(base.replace(" ", "_")) if base.strip(". ") else ""
    return (base or "file")[-100:]


def _extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _head(upload: File, size: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _image_ok(upload: File, expected: str) -> tuple[int, int] | None:
    """The image's size in pixels if it is a real image of the expected format."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            found, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    return size if found == expected else None


def _image_preview(upload: File, name: str) -> ContentFile:
    """A re-encoded copy at most RSE_ATTACHMENT_PREVIEW_SIZE pixels on its longer side."""
    side = settings.RSE_ATTACHMENT_PREVIEW_SIZE
    try:
        upload.seek(0)
        with Image.open(upload) as decoded:
            decoded.draft("RGB", (side, side))  # JPEG: decode at a reduced scale
            decoded.load()
            data, extension = reencode(decoded, side)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("“%(name)s” is not an image we can read.") % {"name": name}
        ) from None
    finally:
        upload.seek(0)
    return ContentFile(data, name=f"preview.{extension}")


class ArchiveTooLarge(ValueError):
    pass


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, keep: int) -> bytes:
    """The first `keep` bytes of a member, inflated chunk by chunk and stopped at the
    per-member cap (a header that lies about the size stops there too)."""
    cap = settings.RSE_ARCHIVE_MAX_MEMBER_BYTES
    kept = bytearray()
    seen = 0
    with archive.open(info) as member:
        while len(kept) < keep and (chunk := member.read(min(64 * 1024, keep))):
            seen += len(chunk)
            if seen > cap:
                raise ArchiveTooLarge
            kept += chunk[: keep - len(kept)]
    return bytes(kept)


def _zip_names(upload: File) -> tuple[set[str], bytes] | None:
    """Member names and the start of `mimetype`, or None when not a zip archive.

    Raises ArchiveTooLarge past RSE_ARCHIVE_MAX_MEMBERS members or past the caps on
    unpacked sizes (RSE_ARCHIVE_MAX_MEMBER_BYTES each, RSE_ARCHIVE_MAX_TOTAL_BYTES in
    all), as the directory declares them — before any member is inflated."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            if len(members) > settings.RSE_ARCHIVE_MAX_MEMBERS:
                raise ArchiveTooLarge
            if any(m.file_size > settings.RSE_ARCHIVE_MAX_MEMBER_BYTES for m in members):
                raise ArchiveTooLarge
            if sum(m.file_size for m in members) > settings.RSE_ARCHIVE_MAX_TOTAL_BYTES:
                raise ArchiveTooLarge
            names = {m.filename for m in members}
            mimetype = (
                _read_member(archive, archive.getinfo("mimetype"), 100)
                if "mimetype" in names
                else b""
            )
            return names, mimetype
    except ArchiveTooLarge:
        raise
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, NotImplementedError):
        return None
    finally:
        upload.seek(0)


def _document_ok(upload: File, ext: str) -> bool:
    if ext == "pdf":
        return _head(upload, 5) == b"%PDF-"
    if ext in OOXML_FOLDER:
        if _head(upload, 4) != b"PK\x03\x04":
            return False
        found = _zip_names(upload)
        return bool(
            found
            and "[Content_Types].xml" in found[0]
            and any(n.startswith(OOXML_FOLDER[ext]) for n in found[0])
        )
    if ext in {"odt", "ods", "odp"}:
        if _head(upload, 4) != b"PK\x03\x04":
            return False
        found = _zip_names(upload)
        return bool(found and found[1] == DOCUMENT_TYPES[ext].encode())
    # txt, csv: UTF-8 text, no NUL byte.
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_upload(upload: File) -> CheckedUpload:
    """The upload as it will be stored, or ValidationError with a clear message."""
    name = upload.name or ""
    ext = _extension(name)
    limit = settings.RSE_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is too large: files may be up to %(limit)s.")
            % {"name": name, "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name})
    preview = None
    if ext in IMAGE_TYPES:
        pil_format, content_type = IMAGE_TYPES[ext]
        pixels = _image_ok(upload, pil_format)
        if pixels is None:
            raise ValidationError(
                _("“%(name)s” is not a valid %(type)s image.") % {"name": name, "type": ext.upper()}
            )
        side = settings.RSE_PHOTO_MAX_PIXELS
        if max(pixels) > side:
            raise ValidationError(
                _(
                    "“%(name)s” is %(width)s×%(height)s pixels; "
                    "images may be up to %(limit)s pixels on each side."
                )
                % {"name": name, "width": pixels[0], "height": pixels[1], "limit": side}
            )
        preview = _image_preview(upload, name)
        kind = "image"
    elif ext in DOCUMENT_TYPES:
        content_type = DOCUMENT_TYPES[ext]
        try:
            valid = _document_ok(upload, ext)
        except ArchiveTooLarge:
            raise ValidationError(
                _(
                    "“%(name)s” unpacks to too many or too large parts (at most %(count)d parts, "
                    "%(limit)s in all): it cannot be accepted."
                )
                % {
                    "name": name,
                    "count": settings.RSE_ARCHIVE_MAX_MEMBERS,
                    "limit": filesizeformat(settings.RSE_ARCHIVE_MAX_TOTAL_BYTES),
                }
            ) from None
        if not valid:
            raise ValidationError(
                _("The content of “%(name)s” does not match a .%(ext)s file.")
                % {"name": name, "ext": ext}
            )
        kind = "document"
    else:
        raise ValidationError(
            _("“%(name)s”: this type of file is not accepted. Accepted: %(types)s.")
            % {"name": name, "types": ", ".join(ALLOWED_EXTENSIONS)}
        )
    stored = safe_filename(name)
    if _extension(stored) != ext:
        stored = f"file.{ext}"
    return CheckedUpload(
        upload=upload,
        name=stored,
        content_type=content_type,
        kind=kind,
        size=upload.size,
        preview=preview,
    )


def check_uploads(uploads: list[File]) -> list[CheckedUpload]:
    limit = settings.RSE_ATTACHMENTS_PER_POST
    if len(uploads) > limit:
        raise ValidationError(_("A post may carry up to %(limit)d attachments.") % {"limit": limit})
    return [check_upload(upload) for upload in uploads]
