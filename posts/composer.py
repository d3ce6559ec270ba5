"""The composer's preview: the text and tags as they will be published, rendered on
the server through the same markup pipeline as a post card (posts_markup), asked by
static/js/posts.js (a POST with the CSRF token: the text never goes in a URL)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .tags import parse_tags


@login_required
@require_POST
def preview(request):
    """The preview fragment of a post (`body`, `tags`), or a 400 saying what is wrong.
    It reads nothing from the database: a mention becomes the same profile link as
    once published (which answers 404 to whoever may not see that person)."""
    body = (request.POST.get("body") or "").strip()
    limit = settings.RSE_POST_MAX_CHARS
    if not body:
        return HttpResponse(_("Nothing to preview yet: write something first."), status=400)
    if len(body) > limit:
        return HttpResponse(
            _("Your text is too long: %(count)d characters, at most %(limit)d.")
            % {"count": len(body), "limit": limit},
            status=400,
        )
    try:
        tags = parse_tags(request.POST.get("tags", ""))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    return render(request, "posts/_preview.html", {"body": body, "tags": tags})
