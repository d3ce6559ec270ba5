"""Profile photos: check that an upload is a real image, then re-encode it.

Only what Pillow decoded and wrote again is ever stored, so a file that merely
claims to be an image (a script renamed .png, a polyglot) is never served.
"""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def photo_from_upload(upload) -> ContentFile:
    """A clean JPEG or PNG made from an uploaded file, or ValidationError saying why not."""
    if upload.size > settings.RSE_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("The photo is too large (%(size)s); the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.RSE_PHOTO_MAX_BYTES),
            },
            code="too_large",
        )
    limit = settings.RSE_PHOTO_MAX_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG, GIF or WebP image."), code="type")
            if width > limit or height > limit:
                raise ValidationError(
                    _(
                        "The photo is %(width)s×%(height)s pixels; "
                        "the limit is %(limit)s pixels on each side."
                    )
                    % {"width": width, "height": height, "limit": limit},
                    code="dimensions",
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as decoded:
            decoded.load()
            data, extension = reencode(decoded, settings.RSE_PHOTO_SIZE)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP image."),
            code="type",
        ) from None
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")


def reencode(decoded: Image.Image, side: int) -> tuple[bytes, str]:
    """A loaded image turned upright, scaled to fit `side` pixels and written again:
    PNG when it has transparency, JPEG otherwise. Returns (bytes, extension)."""
    image = ImageOps.exif_transpose(decoded)
    image.thumbnail((side, side))
    transparent = image.mode in {"RGBA", "LA"} or (
        image.mode == "P" and "transparency" in image.info
    )
    out = io.BytesIO()
    if transparent:
        image.convert("RGBA").save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), "jpg"
