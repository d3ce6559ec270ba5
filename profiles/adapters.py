from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from charter.selectors import charter_status
from rse.requestmeta import client_ip


def email_domain_allowed(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return domain in settings.RSE_ALLOWED_EMAIL_DOMAINS


class CompanyAccountAdapter(DefaultAccountAdapter):
    """Self sign-up is for employees only: their address must be in a company domain.

    External partners never sign up by themselves; they are invited into a
    community by an employee who becomes their sponsor.
    """

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            raise forms.ValidationError(
                _(
                    "Sign-up is reserved to company addresses (%(domains)s). External "
                    "partners join by invitation from an employee."
                )
                % {"domains": ", ".join("@" + d for d in settings.RSE_ALLOWED_EMAIL_DOMAINS)}
            )
        return email

    def populate_username(self, request, user) -> None:
        """A handle colleagues can guess: first.last ("nina.durand"), made unique by
        allauth ("nina.durand1"); a handle already set is kept (so are existing ones)."""
        from allauth.account.utils import user_username

        if not user_username(user):
            name = ".".join(part for part in (user.first_name, user.last_name) if part.strip())
            local = (user.email or "").split("@")[0]
            user_username(user, self.generate_unique_username([name, local, "user"]))
        super().populate_username(request, user)

    def get_client_ip(self, request) -> str:
        # One notion of "the client's address" for rate limits and the audit trail.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def get_login_redirect_url(self, request) -> str:
        # A newcomer (or anyone after a major change) is shown the charter first.
        url = super().get_login_redirect_url(request)
        if not charter_status(request.user)["accepted"]:
            return reverse("charter:current") + "?" + urlencode({"next": url})
        return url
