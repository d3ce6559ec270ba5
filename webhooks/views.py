"""A community's webhooks, under its management pages: the list and registration, one
hook (change it, its delivery log), a new secret, deletion. A community the viewer may
not discover answers 404; one they may not manage, 403 (like its edit page)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from access import communities as community_rules
from access import webhooks as rules
from core.confirm import confirmation

from . import selectors, services
from .forms import HookEditForm, HookForm


def _community(request, slug: str):
    community = community_rules.get_community_or_404(request.viewer, slug)
    if not rules.can_manage_hooks(request.viewer, community):
        raise PermissionDenied
    return community


def _attach(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _page(request, community, form, *, created=None, status=200):
    return render(
        request,
        "webhooks/list.html",
        {
            "community": community,
            "hooks": selectors.hooks_of(community),
            "form": form,
            "created": created,
            "may_read": community_rules.can_read(request.viewer, community),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def hooks(request, slug: str):
    community = _community(request, slug)
    form = HookForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                hook = services.hook_create(
                    actor=request.user,
                    community=community,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    request=request,
                )
            except ValidationError as error:
                _attach(form, error)
            else:
                messages.success(request, _("The webhook is registered."))
                return _page(request, community, HookForm(), created=hook)
        return _page(request, community, form, status=400)
    return _page(request, community, form)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def hook_detail(request, slug: str, pk: int):
    community = _community(request, slug)
    hook = selectors.get_hook_or_404(community, pk)
    initial = {"url": hook.url, "events": hook.events, "is_active": hook.is_active}
    form = HookEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.hook_update(
                    actor=request.user,
                    hook=hook,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    is_active=form.cleaned_data["is_active"],
                    request=request,
                )
            except ValidationError as error:
                _attach(form, error)
            else:
                messages.success(request, _("The webhook is saved."))
                return redirect("webhooks:detail", slug=community.slug, pk=hook.pk)
        status = 400
    return render(
        request,
        "webhooks/detail.html",
        {
            "community": community,
            "hook": hook,
            "form": form,
            "attempts": selectors.attempts_of(hook),
            "log_days": settings.RSE_WEBHOOKS_LOG_DAYS,
            "owner_may_deliver": rules.may_deliver(hook.owner, community),
            "may_read": community_rules.can_read(request.viewer, community),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def hook_rotate(request, slug: str, pk: int):
    community = _community(request, slug)
    hook = selectors.get_hook_or_404(community, pk)
    if request.method == "GET":
        return confirmation(
            request,
            title=_("New secret"),
            question=_("Give this webhook a new secret?"),
            detail=_("The former secret stops working at once: update the receiver."),
            button=_("Make a new secret"),
            cancel=reverse("webhooks:detail", args=[community.slug, hook.pk]),
        )
    hook = services.hook_secret_rotate(actor=request.user, hook=hook, request=request)
    return render(
        request,
        "webhooks/secret.html",
        {"community": community, "hook": hook, "may_read": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hook_delete(request, slug: str, pk: int):
    community = _community(request, slug)
    hook = selectors.get_hook_or_404(community, pk)
    if request.method == "GET":
        return confirmation(
            request,
            title=_("Delete the webhook"),
            question=_("Delete the webhook to %(url)s and its delivery log?") % {"url": hook.url},
            button=_("Delete"),
            cancel=reverse("webhooks:detail", args=[community.slug, hook.pk]),
        )
    services.hook_delete(actor=request.user, hook=hook, request=request)
    messages.success(request, _("The webhook is deleted."))
    return redirect("webhooks:list", slug=community.slug)
