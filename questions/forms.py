from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TITLE_MAX_LENGTH


class QuestionForm(forms.Form):
    # The length is checked by the service (a clear message with the count); the
    # browser's own limit is a convenience.
    title = forms.CharField(
        label=_("Your question, in one sentence"),
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH}),
    )
    body = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you tried, what you need. Markdown is allowed."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_(
            "Separated by commas. Tags that name a skill offer your question to "
            "colleagues who hold it."
        ),
    )
