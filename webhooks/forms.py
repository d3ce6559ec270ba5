from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Event


class HookForm(forms.Form):
    url = forms.CharField(
        label=_("Address (https://…)"),
        max_length=500,
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service says "choose at least one event"
    )


class HookEditForm(HookForm):
    is_active = forms.BooleanField(label=pgettext_lazy("webhook", "Active"), required=False)
