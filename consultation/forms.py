from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .models import SectionStance
from .services import COMMENT_MAX_LENGTH


class OpenConsultationForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Start"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("End"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    all_employees = forms.BooleanField(label=_("Consult all employees"), required=False)
    groups = forms.ModelMultipleChoiceField(
        label=_("Consultation groups"),
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CommentForm(forms.Form):
    section = forms.CharField(widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment before sending it.")},
    )


class StanceForm(forms.Form):
    section = forms.CharField(widget=forms.HiddenInput)
    stance = forms.ChoiceField(
        choices=[("", _("No stance")), *SectionStance.Stance.choices], required=False
    )


class PublishForm(forms.Form):
    change = forms.ChoiceField(
        label=_("Kind of change"),
        choices=[
            ("major", _("Major change: everyone accepts it again")),
            ("minor", _("Minor change: announce it only")),
        ],
        widget=forms.RadioSelect,
        initial="major",
    )
