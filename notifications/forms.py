from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import EmailMode, Kind


class PreferencesForm(forms.Form):
    """One e-mail choice per kind of notification, and the language of e-mails."""

    language = forms.ChoiceField(
        label=_("Language of my e-mails"),
        choices=[("", _("The site's default language")), *settings.LANGUAGES],
        required=False,
    )

    def __init__(self, *args, modes: dict[str, str], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=EmailMode.choices,
                widget=forms.RadioSelect,
                initial=modes[kind.value],
                error_messages={
                    "required": _("Choose how this kind of notification comes by e-mail."),
                    "invalid_choice": _("Choose one of the e-mail options offered."),
                },
            )
        self.fields["language"].initial = language
        # Language last, after the kinds.
        self.order_fields([*Kind.values, "language"])

    def kind_fields(self):
        return [self[kind] for kind in Kind.values]

    def modes(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in Kind.values}


class MarkAllReadForm(forms.Form):
    up_to = forms.IntegerField(min_value=1)
