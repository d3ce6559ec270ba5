"""My API tokens and feed address (/me/api-tokens/): create a token (shown once), see
them, revoke one; make, remake or revoke the key of my Atom feeds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from access.moderation import moderates_anything

from . import services
from .forms import TokenForm
from .models import FeedToken, PersonalAccessToken


def _page(request, form, *, created=None, feed_created=None, status=200):
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "feed_created": feed_created,
            "tokens": list(PersonalAccessToken.objects.filter(user=request.user)),
            "feed_token": FeedToken.objects.filter(user=request.user).first(),
        },
        status=status,
    )


def _form(request, data=None) -> TokenForm:
    return TokenForm(data, may_moderate=moderates_anything(request.viewer))


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    if request.method == "GET":
        return _page(request, _form(request))
    form = _form(request, request.POST)
    if form.is_valid():
        try:
            _token, created = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _page(request, _form(request), created=created)
    return _page(request, form, status=400)


@login_required
@require_POST
def revoke(request, pk: int):
    token = get_object_or_404(PersonalAccessToken, pk=pk, user=request.user)
    try:
        services.token_revoke(actor=request.user, token=token, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")


@login_required
@require_POST
def feed_token(request):
    """Make (or remake) my feed address — shown once, on this answer — or revoke it."""
    if request.POST.get("action") == "revoke":
        try:
            services.feed_token_revoke(actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your feed addresses no longer work."))
        return redirect("api_tokens")
    raw = services.feed_token_reset(actor=request.user, request=request)
    return _page(request, _form(request), feed_created=raw)
