from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .models import (
    SKILL_NAME_MAX_LENGTH,
    Profile,
    UserSkill,
    clean_skill_label,
    normalize_skill_name,
)
from .photos import photo_from_upload


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


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves at /me/."""

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
        help_text=_("JPEG, PNG, GIF or WebP. It is resized to a square of at most 512 pixels."),
    )

    class Meta:
        model = Profile
        fields = ["phone", "bio", "photo", "languages", "interests"]
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "bio": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            return photo_from_upload(photo)
        return photo

    def changes(self) -> dict:
        changes = {
            name: self.cleaned_data[name] for name in ("phone", "bio", "languages", "interests")
        }
        photo = self.cleaned_data.get("photo")
        if photo is False or isinstance(photo, ContentFile):
            changes["photo"] = photo
        return changes


class SkillAddForm(forms.Form):
    name = forms.CharField(
        label=_("Skill"),
        max_length=SKILL_NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "skill-suggestions"}),
    )
    level = forms.ChoiceField(label=_("Level"), choices=UserSkill.Level.choices)

    def clean_name(self) -> str:
        name = clean_skill_label(self.cleaned_data["name"])
        if not normalize_skill_name(name):
            raise forms.ValidationError(_("Enter the name of a skill."))
        return name


class SkillLevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=UserSkill.Level.choices)


class DirectorySearchForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    skill = forms.CharField(
        label=_("Skill"),
        required=False,
        max_length=SKILL_NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "skill-suggestions"}),
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    site = forms.ChoiceField(label=_("Site"), required=False)
    language = forms.CharField(label=_("Language"), required=False, max_length=50)

    def __init__(self, *args, departments=(), sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["department"].choices = anything + [(d, d) for d in departments]
        self.fields["site"].choices = anything + [(s, s) for s in sites]
