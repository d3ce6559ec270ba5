"""My API tokens (/me/api-tokens/): create one (shown once), see them, revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from access.moderation import moderates_anything

from . import services
from .forms import TokenForm
from .models import PersonalAccessToken


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    may_moderate = moderates_anything(request.viewer)
    form = TokenForm(request.POST or None, may_moderate=may_moderate)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, created = services.token_create(
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    days=form.cleaned_data["days"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                form = TokenForm(may_moderate=may_moderate)
        if created is None:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": list(PersonalAccessToken.objects.filter(user=request.user)),
        },
        status=status,
    )


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
