"""Community pages: directory, creation, a community's page and its members."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from access import communities as community_rules
from core.confirm import confirmation

from . import selectors, services
from .forms import (
    CommunityForm,
    DirectoryForm,
    ExternalInviteForm,
    InviteForm,
    RequestForm,
)
from .models import Community, Membership


def show_error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_GET
def directory(request):
    form = DirectoryForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "text": data["q"],
            "purpose": data["purpose"],
            "access": data["access"],
            "mine": data["mine"],
        }
    communities = selectors.communities_directory(request.user, **filters)
    page = Paginator(communities, settings.RSE_COMMUNITIES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "communities/directory.html",
        {
            "form": form,
            "page": page,
            "params": params.urlencode(),
            "may_create": community_rules.can_create_community(request.viewer),
        },
    )


@login_required
def create(request):
    if not community_rules.can_create_community(request.viewer):
        raise Http404
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "audience"}
        try:
            community = services.community_create(
                actor=request.user,
                data=data,
                audience=form.cleaned_data["audience"],
                request=request,
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(
                request, _("The community “%(name)s” is created.") % {"name": community}
            )
            return redirect("communities:detail", slug=community.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "communities/create.html", {"form": form}, status=status)


def _attach(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def edit(request, slug: str):
    community = community_rules.get_community_or_404(request.viewer, slug)
    if not community_rules.can_manage(request.viewer, community) or community.is_archived:
        raise PermissionDenied
    form = CommunityForm(
        request.POST or None,
        instance=Community.objects.get(pk=community.pk),
        initial={"audience": list(community.audience.all())},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "audience"}
        try:
            community = services.community_update(
                actor=request.user,
                community=community,
                data=data,
                audience=form.cleaned_data["audience"],
                request=request,
            )
        except ValidationError as error:
            _attach(form, error)
        else:
            messages.success(request, _("The community is saved."))
            return redirect("communities:detail", slug=community.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "communities/edit.html",
        {
            "form": form,
            "community": community,
            "may_read": community_rules.can_read(request.viewer, community),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def archive(request, slug):
    if request.method == "GET":
        community = community_rules.get_community_or_404(request.viewer, slug)
        return confirmation(
            request,
            title=_("Archive this community?"),
            question=_(
                "It becomes read-only: nobody can post, comment or like there any more. "
                "Its members and content stay."
            ),
            button=_("Archive the community"),
            cancel=reverse("communities:detail", args=[community.slug]),
        )
    return act(
        request,
        slug,
        lambda c: services.community_archive(actor=request.user, community=c, request=request),
        _("The community is archived: it is now read-only."),
    )


def page_context(request, community) -> dict:
    """What every page of a community shows about the viewer's standing (the posts
    app's community page uses it too)."""
    user = request.viewer
    # It was found through `communities_discoverable_by`: no need to ask again.
    standing = community_rules.Standing(user, community)
    standing.discoverable = True
    return {
        "community": community,
        "membership": standing.membership,
        "managers": list(selectors.managers_of(community)),
        "may_read": community_rules.can_read(user, community, standing),
        "may_join": community_rules.can_join(user, community, standing),
        "may_request": community_rules.can_request(user, community, standing),
        "may_manage": community_rules.can_manage(user, community),
        "may_post": community_rules.can_post(user, community, standing),
        "request_form": RequestForm(),
    }


@login_required
@require_GET
def members(request, slug: str):
    community = community_rules.get_community_or_404(request.viewer, slug)
    context = page_context(request, community)
    if not context["may_read"]:
        messages.error(request, _("Only members can see who belongs to this community."))
        return redirect("communities:detail", slug=slug)
    page = Paginator(
        community_rules.members_of(request.viewer, community), settings.RSE_COMMUNITIES_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context.update(
        page=page,
        params="",
        pending=list(selectors.pending_of(community)) if context["may_manage"] else [],
        may_invite=community_rules.can_invite(request.viewer, community),
        may_approve=community_rules.can_approve(request.viewer, community),
        invite_form=InviteForm(),
        external_form=ExternalInviteForm(),
        roles=Membership.Role.choices,
    )
    return render(request, "communities/members.html", context)


def act(request, slug: str, action, success: str, to_members: bool = False):
    """Load the community (404 if not discoverable), run the service, tell the outcome."""
    community = community_rules.get_community_or_404(request.viewer, slug)
    try:
        action(community)
    except ValidationError as error:
        show_error(request, error)
    except PermissionDenied:
        raise
    else:
        messages.success(request, success)
    return redirect("communities:members" if to_members else "communities:detail", slug=slug)
