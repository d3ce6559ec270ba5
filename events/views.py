"""Event pages: create, the lists, answer (RSVP), who comes, the .ics file, cancel,
and my calendar feed. Reads through `events.selectors` and the access rules (404 for
what may not be read), writes through `events.services`."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access import events as event_rules
from access import posts as post_rules
from access.communities import get_community_or_404

from . import ics, selectors, services
from .forms import EventForm, RsvpForm
from .models import CalendarFeed, Event


def _message(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return " ".join(str(m) for m in error.messages)
    return str(error) or _("You may not do this.")


def _event_or_404(request, pk: int) -> Event:
    """The event of a post the viewer may read, or 404."""
    post = post_rules.get_post_or_404(request.viewer, pk)
    event = Event.objects.filter(post=post).first()
    if event is None:
        raise Http404
    event.post = post
    return event


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    slug = request.POST.get("community") or request.GET.get("community") or ""
    community = get_community_or_404(request.viewer, slug) if slug else None
    if not event_rules.can_create_event(request.viewer, community):
        messages.error(request, _("You may not create an event here."))
        return redirect("communities:detail", slug=community.slug) if community else redirect("/")
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_create(
                actor=request.user,
                community=community,
                body=data["body"],
                tags=data["tags"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                time_zone=data["time_zone"],
                place=data["place"],
                online_url=data["online_url"],
                capacity=data["capacity"],
            )
        except (ValidationError, PermissionDenied) as error:
            for message in (
                error.messages if isinstance(error, ValidationError) else [_message(error)]
            ):
                form.add_error(None, message)
        else:
            messages.success(request, _("Your event is published."))
            return redirect(event.post)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "events/create.html", {"form": form, "community": community}, status=status
    )


@login_required
@require_GET
def index(request):
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    posts = selectors.past(request.viewer) if when == "past" else selectors.upcoming(request.viewer)
    page = Paginator(posts, settings.RSE_EVENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/index.html",
        {
            "page": page,
            "when": when,
            "params": f"when={when}",
            "may_create": event_rules.can_create_event(request.viewer, None),
        },
    )


@login_required
@require_POST
def rsvp(request, pk: int):
    event = _event_or_404(request, pk)
    form = RsvpForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose going, maybe or not going."))
        answer = services.rsvp_set(
            actor=request.user, event=event, answer=form.cleaned_data["answer"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        if answer.waiting:
            messages.success(request, _("The event is full: you are on the waiting list."))
        else:
            messages.success(request, _("Your answer is saved."))
    return redirect(event.post)


@login_required
@require_GET
def attendees(request, pk: int):
    event = _event_or_404(request, pk)
    return render(
        request,
        "events/attendees.html",
        {"event": event, "post": event.post, "groups": selectors.attendees(event)},
    )


@login_required
@require_GET
def download(request, pk: int):
    event = _event_or_404(request, pk)
    response = HttpResponse(ics.calendar_of([event]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    event = _event_or_404(request, pk)
    if not event_rules.can_cancel(request.viewer, event.post, event):
        messages.error(request, _("Only the organiser, a manager or a moderator may cancel."))
        return redirect(event.post)
    reason = request.POST.get("reason", "")
    if request.method == "POST":
        try:
            services.event_cancel(actor=request.user, event=event, reason=reason, request=request)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, _("The event is cancelled: the attendees are told."))
            return redirect(event.post)
    return render(
        request,
        "events/cancel.html",
        {"event": event, "post": event.post, "reason": reason},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request):
    """My calendar feed: its private address, and a way to replace it."""
    feed = services.calendar_feed_of(actor=request.user, renew=request.method == "POST")
    if request.method == "POST":
        messages.success(request, _("Your calendar has a new address: the old one stops working."))
        return redirect("events:calendar")
    url = request.build_absolute_uri(reverse("events:feed", args=[feed.token]))
    return render(request, "events/calendar.html", {"feed_url": url})


@require_GET
def feed(request, token: str):
    """A person's calendar (no session: calendar programs fetch it by its secret
    address). Only the events they answered and may still read."""
    owner = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if owner is None or not owner.user.is_active:
        raise Http404
    events = selectors.feed_events(owner.user)
    body = ics.calendar_of(events, name=_("My events"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
