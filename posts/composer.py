"""The composer's preview, and sharing a post into a community.

The preview: the text and tags as they will be published, rendered on
the server through the same markup pipeline as a post card (posts_markup), asked by
static/js/posts.js (a POST with the CSRF token: the text never goes in a URL)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from access import communities as community_rules
from access import posts as post_rules

from . import selectors, services
from .forms import ShareForm
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


@login_required
@require_http_methods(["GET", "POST"])
def share(request, pk: int):
    """Share a readable post into a community one may post in: a new post quoting it."""
    original = post_rules.get_post_or_404(
        request.viewer, pk, shape=lambda posts: selectors.with_cards(posts, request.viewer)
    )
    communities = community_rules.communities_postable_by(request.viewer)
    form = ShareForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            shared = services.post_share(
                actor=request.user,
                original=original,
                community=form.cleaned_data["community"],
                body=form.cleaned_data["body"],
            )
        except (ValidationError, PermissionDenied) as error:
            messages_of = getattr(error, "messages", None) or [str(error)]
            form.add_error(None, " ".join(str(m) for m in messages_of))
        else:
            messages.success(request, _("The post is shared."))
            return redirect(shared)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "posts/share.html",
        {"form": form, "original": original, "has_choice": communities.exists()},
        status=status,
    )
