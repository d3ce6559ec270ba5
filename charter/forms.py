from django import forms
from django.utils.translation import gettext_lazy as _


class AcceptCharterForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # The variant shown (empty: the common text): accepting is refused if it changed.
    variant = forms.IntegerField(required=False, widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label=_("I have read the usage charter and I accept it."),
        error_messages={"required": _("Tick the box to accept the charter.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)
