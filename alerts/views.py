"""Alert pages: levels and working hours (forms of the notification settings page),
announcing and pinning a post, dismissing an announcement, its reach."""

import json
from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.posts import get_post_or_404
from notifications import selectors as notification_selectors
from notifications.forms import PreferencesForm
from notifications.models import EmailSettings

from . import announcements, permissions, push, quiet, selectors, services
from .forms import AlertLevelsForm, AnnounceForm, PushKindsForm, WorkingHoursForm
from .models import Pin, PushSubscription


def levels_form(user, data=None) -> AlertLevelsForm:
    return AlertLevelsForm(
        data,
        communities=selectors.subscribed_communities_of(user),
        tags=selectors.followed_tags_of(user),
    )


def hours_form(user, data=None) -> WorkingHoursForm:
    hours = quiet.hours_of(user) or quiet.default_hours()
    return WorkingHoursForm(
        data,
        initial={
            "time_zone": hours.time_zone,
            "start": hours.start,
            "end": hours.end,
            "days": list(hours.days),
        },
    )


def _settings_page(request, **forms):
    """The notification settings page, with the alert form that was refused (and what
    the person typed in it)."""
    user = request.user
    email_settings = EmailSettings.objects.filter(user=user).first()
    language = email_settings.language if email_settings else get_language()
    context = {
        "form": PreferencesForm(
            modes=notification_selectors.email_modes_of(user), language=language
        ),
        **forms,
    }
    return render(request, "notifications/settings.html", context, status=400)


@login_required
@require_POST
def levels(request):
    form = levels_form(request.user, request.POST)
    if form.is_valid():
        communities, tags = form.levels()
        try:
            services.alert_levels_update(actor=request.user, communities=communities, tags=tags)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else _("Not allowed."))
        else:
            messages.success(request, _("Your alerts are saved."))
            return redirect("/notifications/settings/#alerts")
    return _settings_page(request, levels_form=form)


@login_required
@require_POST
def hours(request):
    form = hours_form(request.user, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            quiet.working_hours_set(
                actor=request.user,
                time_zone=data["time_zone"],
                start=data["start"],
                end=data["end"],
                days="".join(data["days"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your working hours are saved."))
            return redirect("/notifications/settings/#hours")
    return _settings_page(request, hours_form=form)


def _back(request, default: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
@require_http_methods(["GET", "POST"])
def announce(request, pk: int):
    viewer = request.viewer
    post = get_post_or_404(viewer, pk)
    choices = []
    if permissions.can_announce(viewer, post):
        choices.append("announcement")
    if permissions.can_pin(viewer, post):
        choices.append("pinned")
    if not choices:
        raise PermissionDenied
    may_mark_urgent = permissions.can_mark_urgent(viewer)
    form = AnnounceForm(request.POST or None, choices=choices, may_mark_urgent=may_mark_urgent)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["what"] == "announcement":
                until = data.get("until")
                expires_at = (
                    datetime.combine(until, time(23, 59), tzinfo=timezone.get_current_timezone())
                    if until
                    else None
                )
                announcements.announcement_publish(
                    actor=viewer,
                    post=post,
                    urgent=bool(data.get("urgent")),
                    expires_at=expires_at,
                    request=request,
                )
                messages.success(request, _("The post is announced: its readers are being told."))
            else:
                announcements.pin_create(actor=viewer, post=post, request=request)
                messages.success(request, _("The post is pinned."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(post.get_absolute_url())
    return render(
        request,
        "alerts/announce.html",
        {"post": post, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def lift(request, pk: int):
    pin = selectors.get_pin_or_404(request.viewer, pk)
    try:
        announcements.pin_lift(actor=request.viewer, pin=pin, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The post is no longer pinned."))
    return _back(request, pin.post.get_absolute_url())


@login_required
@require_POST
def dismiss(request, pk: int):
    pin = selectors.get_pin_or_404(request.viewer, pk)
    if pin.kind != Pin.Kind.ANNOUNCEMENT:
        raise Http404
    announcements.announcement_dismiss(actor=request.user, pin=pin)
    messages.success(request, _("The announcement is dismissed."))
    return _back(request, "/")


@login_required
@require_GET
def reach(request, pk: int):
    pin = selectors.get_pin_or_404(request.viewer, pk)
    if pin.kind != Pin.Kind.ANNOUNCEMENT or not permissions.can_see_reach(request.viewer, pin):
        raise Http404
    seen, readers = selectors.reach_of(pin)
    unseen = (
        list(selectors.not_seen_by(pin)[:500])
        if permissions.can_see_unseen_list(request.viewer, pin)
        else None
    )
    return render(
        request,
        "alerts/reach.html",
        {"pin": pin, "seen": seen, "readers": readers, "unseen": unseen},
    )


# The installable app and Web Push -------------------------------------------------------


@require_GET
def service_worker(request):
    """/sw.js, at the root so that its scope is the whole site."""
    response = render(
        request,
        "alerts/sw.js",
        {"version": settings.RSE_APP_VERSION},
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    """/manifest.webmanifest: what a phone needs to install the site as an app."""
    data = {
        "name": settings.RSE_SITE_NAME,
        "short_name": settings.RSE_SITE_NAME[:12],
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#1d4e89",
        "icons": [
            {
                "src": static(f"img/app-icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def offline(request):
    """The page the service worker shows when a page cannot be reached (public, the
    same for everyone: it is kept in the browser's cache)."""
    response = render(request, "alerts/offline.html", {"site_name": settings.RSE_SITE_NAME})
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
@require_POST
def push_subscribe(request):
    """The browser's subscription, as JSON (sent by static/js/app.js with the CSRF
    token): {"endpoint": …, "keys": {"p256dh": …, "auth": …}}."""
    try:
        body = json.loads(request.body or b"{}")
        keys = body.get("keys") or {}
        push.subscription_add(
            actor=request.user,
            endpoint=str(body.get("endpoint") or ""),
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except (ValueError, AttributeError):
        return JsonResponse({"error": _("This device sent an invalid subscription.")}, status=400)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    messages.success(request, _("This device will receive your pushes."))
    return JsonResponse({"ok": True}, status=201)


@login_required
@require_POST
def push_revoke(request, pk: int):
    subscription = get_object_or_404(PushSubscription, pk=pk, user=request.user)
    push.subscription_revoke(actor=request.user, subscription=subscription)
    messages.success(request, _("That device will no longer receive pushes."))
    return redirect("/notifications/settings/#push")


@login_required
@require_POST
def push_kinds(request):
    form = PushKindsForm(request.POST)
    if form.is_valid():
        push.push_kinds_set(actor=request.user, kinds=form.cleaned_data["kinds"])
        messages.success(request, _("Your push settings are saved."))
        return redirect("/notifications/settings/#push")
    return _settings_page(request, push_form=form)
