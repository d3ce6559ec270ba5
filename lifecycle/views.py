"""Pages of the lifecycle: re-confirming one's access, keeping a dormant community,
naming a new sponsor, erasing one's profile data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import communities as community_rules
from communities import services as community_services
from communities.models import Membership

from . import services


@login_required
def reconfirm(request, token: str = ""):
    """The one-click link of the re-confirmation e-mail (after sign-in): one button."""
    user = request.user
    if not user.is_external:
        raise PermissionDenied
    link_ok = not token or services.reconfirm_token_valid(token, user)
    if request.method == "POST":
        try:
            services.external_reconfirm(actor=user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Thank you: your access is re-confirmed until %(date)s.")
                % {"date": services.reconfirm_due(user).date().isoformat()},
            )
            return redirect("posts:home")
    return render(
        request,
        "lifecycle/reconfirm.html",
        {
            "link_ok": link_ok,
            "is_open": services.reconfirm_is_open(user),
            "due": services.reconfirm_due(user),
            "deadline": services.reconfirm_deadline(user),
        },
    )


@login_required
@require_POST
def keep_active(request, slug: str):
    community = community_rules.get_community_or_404(request.viewer, slug)
    try:
        community_services.community_keep_active(
            actor=request.user, community=community, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: the community stays active."))
    return redirect("communities:detail", slug=slug)


@login_required
@require_POST
def name_sponsor(request, slug: str, pk: int):
    community = community_rules.get_community_or_404(request.viewer, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, community=community
    )
    try:
        services.external_sponsor_set(
            actor=request.user,
            community=community,
            external=membership.user,
            email=request.POST.get("email", ""),
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s has a new sponsor.") % {"name": membership.user.get_full_name()}
        )
    return redirect("communities:members", slug=slug)


@login_required
@require_POST
def erase(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you want to erase your data."))
        return redirect("me")
    try:
        services.profile_erase(actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your profile data is erased."))
    return redirect("me")
