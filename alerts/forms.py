import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Kind

from .models import Level

DAYS = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]

LEVEL_ERRORS = {
    "required": _("Choose what reaches you."),
    "invalid_choice": _("Choose one of the alert options offered."),
}


class AlertLevelsForm(forms.Form):
    """One level per community the person follows or belongs to, and per followed tag."""

    def __init__(self, *args, communities, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.community_ids = []
        self.tag_ids = []
        for community, level, _own in communities:
            name = f"community_{community.pk}"
            self.fields[name] = forms.ChoiceField(
                label=community.name,
                choices=Level.choices,
                initial=level,
                error_messages=LEVEL_ERRORS,
            )
            self.community_ids.append(community.pk)
        for tag, level in tags:
            name = f"tag_{tag.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"#{tag.name}",
                choices=Level.choices,
                initial=level,
                error_messages=LEVEL_ERRORS,
            )
            self.tag_ids.append(tag.pk)

    def community_fields(self):
        return [self[f"community_{pk}"] for pk in self.community_ids]

    def tag_fields(self):
        return [self[f"tag_{pk}"] for pk in self.tag_ids]

    def levels(self) -> tuple[dict[int, str], dict[int, str]]:
        data = self.cleaned_data
        return (
            {pk: data[f"community_{pk}"] for pk in self.community_ids},
            {pk: data[f"tag_{pk}"] for pk in self.tag_ids},
        )


class WorkingHoursForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        error_messages={
            "required": _("Choose your time zone."),
            "invalid_choice": _("Choose a time zone from the list (for example Europe/Paris)."),
        },
    )
    start = forms.TimeField(
        label=_("My working day starts at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Give the time your working day starts."),
            "invalid": _("Give a time such as 09:00."),
        },
    )
    end = forms.TimeField(
        label=_("and ends at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Give the time your working day ends."),
            "invalid": _("Give a time such as 18:00."),
        },
    )
    days = forms.MultipleChoiceField(
        label=_("My working days"),
        choices=DAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one working day."),
            "invalid_choice": _("Choose days from the list."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = self.fields["time_zone"]
        assert isinstance(zones, forms.ChoiceField)
        zones.choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start >= end:
            self.add_error("end", _("The working day must end after it starts."))
        return data


WHAT = [("announcement", _("Announce it")), ("pinned", _("Pin it"))]


class AnnounceForm(forms.Form):
    """Announce a post, or pin it (managers); urgent for site administrators only."""

    what = forms.ChoiceField(
        label=_("What to do"),
        choices=WHAT,
        widget=forms.RadioSelect,
        initial="announcement",
        error_messages={
            "required": _("Choose to announce or to pin the post."),
            "invalid_choice": _("Choose to announce or to pin the post."),
        },
    )
    until = forms.DateField(
        label=_("Pinned until (announcements)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give a date such as 2026-12-31.")},
    )
    urgent = forms.BooleanField(
        label=_("Urgent: deliver it even outside working hours"), required=False
    )

    def __init__(self, *args, choices, may_mark_urgent: bool, **kwargs):
        super().__init__(*args, **kwargs)
        what = self.fields["what"]
        assert isinstance(what, forms.ChoiceField)
        what.choices = [c for c in WHAT if c[0] in choices]
        if not may_mark_urgent:
            del self.fields["urgent"]


class PushKindsForm(forms.Form):
    """The kinds of notification pushed to one's devices (none: no push at all)."""

    kinds = forms.MultipleChoiceField(
        label=_("Push these to my devices"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose kinds of notification from the list.")},
    )
