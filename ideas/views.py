"""Idea box pages: a community's ideas (sorted, filtered), propose, vote, review
(status, merge), and the box's settings and review team for managers."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import ideas as idea_rules
from access import posts as post_rules
from access.communities import get_community_or_404, members_of
from communities import views as community_views
from profiles.models import User

from . import selectors, services
from .forms import IdeaForm
from .models import Idea, Reviewer


def _message(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or _("You may not do this.")


def _idea_or_404(request, pk: int) -> Idea:
    post = post_rules.get_post_or_404(request.viewer, pk)
    idea = Idea.objects.filter(post=post).first()
    if idea is None:
        raise Http404
    idea.post = post
    return idea


@login_required
@require_GET
def community_ideas(request, slug: str):
    community = get_community_or_404(request.viewer, slug)
    context = community_views.page_context(request, community)
    if not context["may_read"]:
        messages.error(request, _("Only members can read the ideas of this community."))
        return redirect("communities:detail", slug=slug)
    enabled = idea_rules.box_enabled(community)
    sort = request.GET.get("sort", "votes")
    sort = sort if sort in selectors.SORTS else "votes"
    status = request.GET.get("status", "")
    page = Paginator(
        selectors.ideas_of(request.viewer, community, sort, status), settings.RSE_IDEAS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context.update(
        enabled=enabled,
        page=page,
        sort=sort,
        status=status if status in Idea.Status.values else "",
        statuses=Idea.Status.choices,
        params="&".join(p for p in (f"sort={sort}", f"status={status}" if status else "") if p),
        voted=selectors.voted_ids(request.user, page.object_list),
        may_propose=idea_rules.can_propose(request.viewer, community),
        may_run=idea_rules.can_run_box(request.viewer, community),
        sorts=[("votes", _("Most votes")), ("newest", _("Newest")), ("status", _("Status"))],
    )
    return render(request, "ideas/community.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, slug: str):
    community = get_community_or_404(request.viewer, slug)
    if not idea_rules.can_propose(request.viewer, community):
        messages.error(request, _("You may not propose an idea here."))
        return redirect("ideas:community", slug=slug)
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_propose(
                actor=request.user, community=community, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, _("Your idea is published."))
            return redirect(idea.post)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "ideas/propose.html", {"form": form, "community": community}, status=status
    )


@login_required
@require_POST
def vote(request, pk: int):
    idea = _idea_or_404(request, pk)
    try:
        services.idea_vote(actor=request.user, idea=idea, voted=request.POST.get("vote") != "0")
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    return redirect(
        request.POST.get("next")
        if request.POST.get("next", "").startswith("/communities/")
        else idea.post
    )


@login_required
@require_POST
def change_status(request, pk: int):
    idea = _idea_or_404(request, pk)
    try:
        services.idea_status_set(
            actor=request.user,
            idea=idea,
            status=request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("The status is changed: the author and the voters are told."))
    return redirect(idea.post)


@login_required
@require_POST
def merge(request, pk: int):
    idea = _idea_or_404(request, pk)
    target_pk = request.POST.get("into", "")
    try:
        if not target_pk.isdigit() or len(target_pk) > 11:
            raise ValidationError(_("Choose the idea to merge into."))
        into = _idea_or_404(request, int(target_pk))
        target = services.idea_merge(actor=request.user, idea=idea, into=into, request=request)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
        return redirect(idea.post)
    messages.success(request, _("The ideas are merged: the votes are carried over."))
    return redirect(target.post)


@login_required
@require_http_methods(["GET", "POST"])
def team(request, slug: str):
    """Managers open or close the box and name the review team."""
    community = get_community_or_404(request.viewer, slug)
    if not idea_rules.can_run_box(request.viewer, community):
        messages.error(request, _("Only the managers of the community run its idea box."))
        return redirect("ideas:community", slug=slug)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in {"enable", "disable"}:
                services.idea_box_set(
                    actor=request.user,
                    community=community,
                    enabled=action == "enable",
                    request=request,
                )
            elif action in {"add", "remove"}:
                user = User.objects.filter(username=request.POST.get("username", "")).first()
                if user is None:
                    raise ValidationError(_("Nobody has this username."))
                if action == "add":
                    services.reviewer_add(
                        actor=request.user, community=community, user=user, request=request
                    )
                else:
                    services.reviewer_remove(
                        actor=request.user, community=community, user=user, request=request
                    )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, _("The idea box is updated."))
        return redirect("ideas:team", slug=slug)
    context = community_views.page_context(request, community)
    context.update(
        enabled=idea_rules.box_enabled(community),
        reviewers=list(
            Reviewer.objects.filter(box_id=community.pk).select_related("user").order_by("pk")
        ),
        members=members_of(request.viewer, community).select_related("user")[:200],
    )
    return render(request, "ideas/team.html", context)
