"""The period picker: last 30 days, quarter, year, or custom dates."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

# The longest custom period, in days (three years, like the benchmark's history).
MAX_DAYS = 3 * 366

PRESETS = {"30d": 30, "quarter": 91, "year": 365}


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def grain(self) -> str:
        """How the charts group days: by day up to a month, by week up to a quarter."""
        if self.days <= 31:
            return "day"
        if self.days <= 92:
            return "week"
        return "month"

    def previous(self) -> "Period":
        """The period of the same length just before (the comparison with the past)."""
        return Period(
            self.key, self.start - timedelta(days=self.days), self.start - timedelta(days=1)
        )

    def as_data(self) -> dict:
        return {"period": self.key, "start": self.start.isoformat(), "end": self.end.isoformat()}

    def query(self) -> str:
        if self.key == "custom":
            return f"period=custom&start={self.start.isoformat()}&end={self.end.isoformat()}"
        return f"period={self.key}"


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("30d", _("Last 30 days")),
            ("quarter", _("Last quarter (91 days)")),
            ("year", _("Last year (365 days)")),
            ("custom", _("Custom dates")),
        ],
        required=False,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        key = data.get("period") or "30d"
        if key != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if not start or not end:
            raise forms.ValidationError(_("Give both dates of a custom period."))
        if start > end:
            raise forms.ValidationError(_("The first date must not be after the last one."))
        if end >= self.today:
            raise forms.ValidationError(
                _("The figures go up to yesterday: choose a last date before today.")
            )
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."))
        return data

    def chosen(self) -> Period:
        """The chosen period (the last 30 days when the form is not valid)."""
        yesterday = self.today - timedelta(days=1)
        key = (self.cleaned_data.get("period") or "30d") if self.is_valid() else "30d"
        if key == "custom":
            return Period("custom", self.cleaned_data["start"], self.cleaned_data["end"])
        days = PRESETS[key]
        return Period(key, yesterday - timedelta(days=days - 1), yesterday)
