from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, to recognise it later (“Intranet widget”)."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        help_text=_(
            "Read: what you may read. Write: post, comment, like, join and follow as "
            "you. Moderate: handle the reports you may handle."
        ),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, initial=90)

    def __init__(self, *args, may_moderate: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"] = forms.IntegerField(
            label=_("Valid for (days)"),
            min_value=1,
            max_value=settings.RSE_API_TOKEN_MAX_DAYS,
            initial=90,
        )
        if not may_moderate:
            scopes = self.fields["scopes"]
            assert isinstance(scopes, forms.MultipleChoiceField)
            scopes.choices = [c for c in Scope.choices if c[0] != Scope.MODERATE]
