"""Download my data: the page at /me/data/ (ask, follow, download) and the owner-only
download of an archive."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .models import DataExport


@login_required
@require_http_methods(["GET", "HEAD"])
def my_data(request):
    exports = list(DataExport.objects.filter(user=request.user)[:5])
    return render(
        request,
        "privacy/my_data.html",
        {
            "exports": exports,
            "in_progress": any(e.in_progress for e in exports),
            "now": timezone.now(),
            "export_days": settings.PRIVACY_EXPORT_DAYS,
            "dpo_contact": settings.PRIVACY_DPO_CONTACT,
        },
    )


@login_required
@require_POST
def my_data_request(request):
    try:
        services.export_request(actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Your archive is being prepared. You will be notified when it is ready."),
        )
    return redirect("privacy:my_data")


@login_required
@require_http_methods(["GET", "HEAD"])
def my_data_download(request, pk: int):
    """The archive, to its owner only, while it is available: 404 otherwise."""
    export = services.export_for_download(actor=request.user, export_id=pk)
    path = services.export_downloaded(actor=request.user, export=export, request=request)
    stamp = export.ready_at or export.requested_at
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"rse-data-{request.user.username}-{stamp:%Y%m%d}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
