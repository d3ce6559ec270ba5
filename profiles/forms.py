from django import forms
from django.utils.translation import gettext_lazy as _


class RealNameSignupForm(forms.Form):
    """Extra sign-up fields: the real first and last name (no pseudonyms)."""

    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def clean_first_name(self) -> str:
        return _clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return _clean_name(self.cleaned_data["last_name"])

    def signup(self, request, user) -> None:
        """Hook allauth requires. Nothing left to do: the account adapter's
        save_user() has already copied the cleaned names onto the user."""


def _clean_name(value: str) -> str:
    value = " ".join(value.split())
    if not any(ch.isalpha() for ch in value):
        raise forms.ValidationError(_("Enter your real name, with letters."))
    return value
