"""allauth's sign-up form, as RSE uses it (ACCOUNT_FORMS["signup"]).

Kept apart from forms.py: allauth imports that module (ACCOUNT_SIGNUP_FORM_CLASS) while
building its own forms, so it cannot import them back.
"""

from allauth.account.forms import SignupForm
from django.contrib.auth.hashers import make_password


class CompanySignupForm(SignupForm):
    """Costs the same whether or not the address already has an account.

    With an address already known, allauth creates nothing and sends the "you already
    have an account" e-mail instead of the confirmation one (ACCOUNT_PREVENT_ENUMERATION):
    same page, same kind of e-mail, but no password hashed, which answered ten times
    faster and told which addresses have accounts. The password is hashed (and thrown
    away) on that path too."""

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)
