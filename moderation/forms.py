from django import forms
from django.utils.translation import gettext_lazy as _

from charter.models import CharterSection
from charter.selectors import report_reasons
from communities.models import Community

from .models import Decision, Sanction


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"§{obj.number} {obj.title}"


class ReportForm(forms.Form):
    reason = SectionChoiceField(
        label=_("Reason"),
        queryset=CharterSection.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the moderators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = report_reasons()  # type: ignore[attr-defined]


SANCTION_CHOICES = [("", _("No sanction")), *Sanction.Kind.choices]


class SanctionFields(forms.Form):
    sanction = forms.ChoiceField(label=_("Sanction"), choices=SANCTION_CHOICES, required=False)
    days = forms.IntegerField(label=_("Mute length in days"), required=False)
    site_wide = forms.BooleanField(label=_("Mute site-wide"), required=False)

    def sanction_data(self) -> dict | None:
        kind = self.cleaned_data.get("sanction")
        if not kind:
            return None
        return {
            "kind": kind,
            "days": self.cleaned_data.get("days"),
            "site_wide": self.cleaned_data.get("site_wide"),
        }


class DecisionForm(SanctionFields):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    reason = SectionChoiceField(
        label=_("Charter section"), queryset=CharterSection.objects.none(), required=False
    )
    message = forms.CharField(
        label=_("Message to the author (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Edited text (for “Edit”)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    destination: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Move to (for “Move”)"), queryset=Community.objects.none(), required=False
    )

    field_order = ["outcome", "reason", "message", "body", "destination", "sanction", "days"]

    def __init__(self, *args, destinations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = report_reasons()  # type: ignore[attr-defined]
        self.fields["destination"].queryset = destinations  # type: ignore[attr-defined]


class SanctionForm(SanctionFields):
    reason = SectionChoiceField(
        label=_("Charter section"), queryset=CharterSection.objects.none(), required=False
    )
    message = forms.CharField(
        label=_("Message to the person (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = report_reasons()  # type: ignore[attr-defined]
        self.fields["sanction"].required = True
        self.fields["sanction"].choices = Sanction.Kind.choices  # type: ignore[attr-defined]


class AppealForm(forms.Form):
    message = forms.CharField(
        label=_("Why do you contest it?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealDecisionForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[("confirm", _("Confirm the decision")), ("reverse", _("Reverse the decision"))],
        widget=forms.RadioSelect,
    )
    response = forms.CharField(
        label=_("Answer to the author (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
