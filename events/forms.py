"""Input of events. Limits and rules are checked by the services; the form turns the
times typed (in the zone chosen) into moments, and carries the input back."""

from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Rsvp

TIME_ZONES = [
    "Europe/Paris",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Madrid",
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Zurich",
    "Europe/Rome",
    "Europe/Warsaw",
    "Europe/Athens",
    "Africa/Casablanca",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
]


def time_zone_choices() -> list[tuple[str, str]]:
    names = TIME_ZONES if settings.TIME_ZONE in TIME_ZONES else [settings.TIME_ZONE, *TIME_ZONES]
    return [(name, name.replace("_", " ")) for name in names]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LocalDateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LocalDateTimeInput())
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)
    place = forms.CharField(label=_("Place"), required=False)
    online_url = forms.CharField(
        label=_("Online link"), required=False, help_text=_("A web address, e.g. a video call.")
    )
    capacity = forms.IntegerField(
        label=_("Capacity"), required=False, help_text=_("Empty: no limit.")
    )
    body = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown is allowed."),
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = settings.TIME_ZONE

    def clean(self):
        data = super().clean()
        zone_name = data.get("time_zone")
        if zone_name:
            zone = ZoneInfo(zone_name)
            for name in ("starts_at", "ends_at"):
                if data.get(name) is not None:  # typed as a wall-clock time in the zone
                    naive = timezone.make_naive(data[name])
                    data[name] = timezone.make_aware(naive, zone)
        return data


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(choices=Rsvp.Answer.choices)
