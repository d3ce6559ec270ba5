"""Attachments: served through the app, to those who may read their post only (the
original as a download, an image's bounded preview inline)."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from access import posts as post_rules

from .models import Attachment, Status

READABLE_OR_DELETED = (Status.PUBLISHED, Status.DELETED)


def _readable_attachment(request, pk: int) -> Attachment:
    return post_rules.get_attachment_or_404(request.viewer, pk)


def _serve_file(field, *, content_type: str, as_attachment: bool, filename: str):
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=as_attachment, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def attachment_download(request, pk: int, name: str):
    """The file as uploaded, always as a download (images are shown by their preview)."""
    attachment = _readable_attachment(request, pk)
    return _serve_file(
        attachment.file,
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )


@login_required
@require_GET
def attachment_preview(request, pk: int):
    """An image's re-encoded preview, bounded in pixels, shown inline."""
    attachment = _readable_attachment(request, pk)
    if not attachment.preview:
        raise Http404
    png = attachment.preview.name.endswith(".png")
    return _serve_file(
        attachment.preview,
        content_type="image/png" if png else "image/jpeg",
        as_attachment=False,
        filename="preview.png" if png else "preview.jpg",
    )
