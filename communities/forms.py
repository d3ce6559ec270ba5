from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from profiles.models import User

from .models import HIDDEN_FREE_REFUSED, HIDDEN_OPEN_NEEDS_AUDIENCE, Community, Membership


class CommunityForm(forms.ModelForm):
    audience = forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=False,
        label=_("Audience"),
        help_text=_("For a hidden community: the groups whose members may discover it."),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Community
        fields = ["name", "slug", "description", "purpose", "access", "visibility", "audience"]
        help_texts = {
            "slug": _("Letters, digits and dashes; the community's web address."),
            "access": _(
                "Free: every employee reads and posts. Open: people ask, managers approve. "
                "Closed: by invitation only."
            ),
            "visibility": _("Hidden: only members and the audience know it exists."),
        }

    def validate_unique(self):
        """The address's uniqueness is settled by the services, which must not reveal
        that a hidden community holds it (`services._settle_slug`)."""

    def clean(self):
        data = super().clean()
        hidden = data.get("visibility") == Community.Visibility.HIDDEN
        if hidden and data.get("access") == Community.Access.FREE:
            self.add_error("access", HIDDEN_FREE_REFUSED)
        elif hidden and data.get("access") == Community.Access.OPEN and not data.get("audience"):
            self.add_error("audience", HIDDEN_OPEN_NEEDS_AUDIENCE)
        return data


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        required=False,
        choices=[("", _("Any purpose")), *Community.Purpose.choices],
    )
    access = forms.ChoiceField(
        label=_("Access"),
        required=False,
        choices=[("", _("Any access")), *Community.Access.choices],
    )
    mine = forms.BooleanField(label=_("Only my communities"), required=False)


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the managers (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"))
    message = forms.CharField(label=_("Message (optional)"), required=False, max_length=500)

    def clean_email(self):
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("Nobody has an account with this address: externals need an account first.")
            )
        self.cleaned_data["user"] = user
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ExternalInviteForm(forms.Form):
    email = forms.EmailField(label=_("Partner's e-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    organisation = forms.CharField(label=_("Organisation"), max_length=150)


class ExternalSignupForm(forms.Form):
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password (again)"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data
