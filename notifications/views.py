"""Notification pages: the inbox, marking read, opening one, e-mail preferences."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import grouping, selectors, services
from .forms import MarkAllReadForm, PreferencesForm
from .models import EmailSettings


def _cursor(raw: str) -> tuple[datetime, int] | None:
    """The keyset cursor `<ISO time>~<id>` of the next page, or None if malformed."""
    at, sep, pk = raw.partition("~")
    if not sep or not pk.isdigit():
        return None
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment, int(pk)


@login_required
@require_GET
def inbox(request):
    raw = request.GET.get("before", "")
    before = _cursor(raw) if raw else None
    if raw and before is None:
        messages.error(request, _("This page of notifications does not exist: here is the first."))
    page, next_cursor = selectors.inbox_page(request.user, before=before)
    context = {
        "notifications": page,
        "groups": grouping.group(page),
        "next_cursor": f"{next_cursor[0].isoformat()}~{next_cursor[1]}" if next_cursor else "",
        "is_first_page": before is None,
        "newest_id": page[0].pk if page and before is None else None,
    }
    return render(request, "notifications/inbox.html", context)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_read(request, pk: int):
    notification = get_object_or_404(selectors.notifications_visible_to(request.user), pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    messages.success(request, _("Notification marked as read."))
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    form = MarkAllReadForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was marked as read: reload the page and try again."))
        return redirect("notifications:inbox")
    count = services.notifications_mark_all_read(
        actor=request.user, up_to=form.cleaned_data["up_to"]
    )
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    else:
        messages.info(request, _("You had no unread notifications."))
    return redirect("notifications:inbox")


@login_required
@require_GET
def open_notification(request, pk: int):
    """Follow a notification's link: it is marked read on the way. `to` is the link of
    the sentence that was followed (a path on this site only), else its target."""
    notification = get_object_or_404(
        selectors.notifications_visible_to(request.user).select_related("actor", "community"),
        pk=pk,
    )
    services.notification_mark_read(actor=request.user, notification=notification)
    to = request.GET.get("to", "")
    if to.startswith("/") and url_has_allowed_host_and_scheme(to, allowed_hosts=None):
        return redirect(to)
    return redirect(notification.target_url())


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    user = request.user
    email_settings = EmailSettings.objects.filter(user=user).first()
    language = email_settings.language if email_settings else get_language()
    form = PreferencesForm(
        request.POST or None, modes=selectors.email_modes_of(user), language=language
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.preferences_update(
                actor=user, modes=form.modes(), language=form.cleaned_data["language"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@login_required
@require_GET
def unread(request):
    """The unread counter, polled by static/js/site.js: one count (capped, as in the
    navigation) per poll, and 304 Not Modified when it did not change."""
    from django.http import HttpResponseNotModified, JsonResponse
    from django.utils.translation import ngettext

    viewer = request.viewer
    count = viewer.counter("unread", lambda: selectors.unread_count(viewer.user))
    capped = count > selectors.UNREAD_CAP
    label = f"{selectors.UNREAD_CAP}+" if capped else str(count)
    etag = f'"unread-{label}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(
            {
                "count": count,
                "label": label if count else "",
                "name": ngettext(
                    "Notifications, %(counter)s unread", "Notifications, %(counter)s unread", count
                )
                % {"counter": label}
                if count
                else _("Notifications"),
            }
        )
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie, Accept-Language"
    return response
