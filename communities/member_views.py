"""Membership pages: joining, requests, leaving, invitations (employees and externals),
and the managers' actions on members (approve, reject, remove, ban, roles)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from access import communities as community_rules
from core.confirm import confirmation
from core.wording import for_name

from . import invitations, memberships
from .forms import (
    ExternalInviteForm,
    ExternalSignupForm,
    InviteForm,
    ReasonForm,
    RequestForm,
    RoleForm,
)
from .models import Membership
from .views import act


def _membership(community, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("user", "community"), pk=pk, community=community
    )


@login_required
@require_POST
def join(request, slug):
    return act(
        request,
        slug,
        lambda c: memberships.membership_join(actor=request.user, community=c, request=request),
        _("You joined the community."),
    )


@login_required
@require_POST
def request_to_join(request, slug):
    form = RequestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    return act(
        request,
        slug,
        lambda c: memberships.membership_request(
            actor=request.user, community=c, message=message, request=request
        ),
        _("Your request is sent to the managers."),
    )


@login_required
@require_POST
def cancel_request(request, slug):
    return act(
        request,
        slug,
        lambda c: memberships.membership_request_cancel(
            actor=request.user, community=c, request=request
        ),
        _("Your request is cancelled."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def leave(request, slug):
    if request.method == "GET":
        community = community_rules.get_community_or_404(request.viewer, slug)
        return confirmation(
            request,
            title=_("Leave this community?"),
            question=_(
                "Its posts no longer come to your stream; to come back, you may have to ask "
                "or be invited again."
            ),
            button=_("Leave the community"),
            cancel=reverse("communities:detail", args=[community.slug]),
        )
    return act(
        request,
        slug,
        lambda c: memberships.membership_leave(actor=request.user, community=c, request=request),
        _("You left the community."),
    )


@login_required
@require_POST
def accept(request, slug):
    return act(
        request,
        slug,
        lambda c: invitations.invitation_accept(actor=request.user, community=c, request=request),
        _("Welcome: you are now a member."),
    )


@login_required
@require_POST
def decline(request, slug):
    return act(
        request,
        slug,
        lambda c: invitations.invitation_decline(actor=request.user, community=c, request=request),
        _("Invitation declined."),
    )


@login_required
@require_POST
def invite(request, slug):
    community = community_rules.get_community_or_404(request.viewer, slug)
    if not community_rules.can_invite(request.viewer, community):
        raise PermissionDenied
    form = InviteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("communities:members", slug=slug)
    person = form.cleaned_data["user"]
    return act(
        request,
        slug,
        lambda c: invitations.membership_invite(
            actor=request.user,
            community=c,
            user=person,
            message=form.cleaned_data["message"],
            request=request,
        ),
        _("%(name)s is invited.") % {"name": person},
        to_members=True,
    )


def _confirm_member_action(request, slug, pk, title, question, button, form=None):
    """The confirmation page of a manager's action on a member (managers only)."""
    community = community_rules.get_community_or_404(request.viewer, slug)
    if not community_rules.can_manage(request.viewer, community):
        raise PermissionDenied
    membership = _membership(community, pk)
    name = {"name": membership.user.get_full_name()}
    return confirmation(
        request,
        title=title % name,
        question=question % name,
        button=button,
        cancel=reverse("communities:members", args=[community.slug]),
        form=form,
    )


def _manager_act(request, slug, pk, run, success):
    community = community_rules.get_community_or_404(request.viewer, slug)
    if not community_rules.can_manage(request.viewer, community):
        raise PermissionDenied
    membership = _membership(community, pk)
    return act(request, slug, lambda c: run(membership), for_name(success, membership.user), True)


@login_required
@require_POST
def approve(request, slug, pk):
    return _manager_act(
        request,
        slug,
        pk,
        lambda m: memberships.membership_approve(actor=request.user, membership=m, request=request),
        _("%(name)s is now a member."),
    )


@login_required
@require_POST
def reject(request, slug, pk):
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _manager_act(
        request,
        slug,
        pk,
        lambda m: memberships.membership_reject(
            actor=request.user, membership=m, reason=reason, request=request
        ),
        gettext_noop("The request of %(name)s is rejected."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove(request, slug, pk):
    if request.method == "GET":
        return _confirm_member_action(
            request,
            slug,
            pk,
            _("Remove %(name)s?"),
            _("%(name)s will no longer be a member; they may ask to join again."),
            _("Remove from the community"),
            None,
        )
    return _manager_act(
        request,
        slug,
        pk,
        lambda m: memberships.membership_remove(actor=request.user, membership=m, request=request),
        _("%(name)s is removed from the community."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def ban(request, slug, pk):
    if request.method == "GET":
        return _confirm_member_action(
            request,
            slug,
            pk,
            _("Ban %(name)s?"),
            _(
                "%(name)s will no longer be a member and may not ask to join again "
                "until the ban is lifted."
            ),
            _("Ban from the community"),
            ReasonForm(),
        )
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _manager_act(
        request,
        slug,
        pk,
        lambda m: memberships.membership_ban(
            actor=request.user, membership=m, reason=reason, request=request
        ),
        _("%(name)s is banned from the community."),
    )


@login_required
@require_POST
def unban(request, slug, pk):
    return _manager_act(
        request,
        slug,
        pk,
        lambda m: memberships.membership_unban(actor=request.user, membership=m, request=request),
        _("%(name)s is no longer banned."),
    )


@login_required
@require_POST
def set_role(request, slug, pk):
    form = RoleForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    return _manager_act(
        request,
        slug,
        pk,
        lambda m: memberships.membership_set_role(
            actor=request.user, membership=m, role=role, request=request
        ),
        gettext_noop("The role of %(name)s is changed."),
    )


@login_required
@require_POST
def invite_external(request, slug):
    """Invite a partner without an account by e-mail (closed communities only)."""
    community = community_rules.get_community_or_404(request.viewer, slug)
    if not community_rules.can_invite(request.viewer, community):
        raise PermissionDenied
    form = ExternalInviteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("communities:members", slug=slug)
    return act(
        request,
        slug,
        lambda c: invitations.external_invitation_create(
            actor=request.user, community=c, request=request, **form.cleaned_data
        ),
        _("An invitation is sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        to_members=True,
    )


def external_signup(request, token: str):
    """The link of an e-mail invitation: the partner creates their account."""
    invitation = invitations.external_invitation_valid(token)
    if invitation is None:
        raise Http404
    form = ExternalSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.external_invitation_use(
                token=token, password=form.cleaned_data["password1"], request=request
            )
        except ValidationError as error:
            form.add_error("password1" if "password" in str(error).lower() else None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is ready: accept the invitation below."))
            return redirect("communities:detail", slug=invitation.community.slug)
    return render(
        request,
        "communities/external_signup.html",
        {"form": form, "invitation": invitation},
        status=400 if request.method == "POST" else 200,
    )
