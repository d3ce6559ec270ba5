from django import forms
from django.utils.translation import gettext_lazy as _


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Your idea, in one sentence"))
    body = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What it changes, for whom. Markdown is allowed."),
    )
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
