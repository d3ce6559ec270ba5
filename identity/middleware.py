"""The two-factor policy: people in the roles of RSE_MFA_REQUIRED_FOR who have no
second factor are taken to set one up before anything else."""

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors, services

# Setting up the second factor (allauth's pages), signing out, changing language and
# the assets stay open.
ALWAYS_OPEN = ("/accounts/", "/i18n/", "/healthz", "/static/", "/media/")
# Remembered in the session once the person has a second factor (forgotten when they
# add or remove one), so that the check costs no query on their later pages.
HAS_MFA_SESSION_KEY = "rse_mfa_ok"
ENFORCED_SESSION_KEY = "rse_mfa_enforced"


def forget_mfa_state(request) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(HAS_MFA_SESSION_KEY, None)


class MFAPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        roles = settings.RSE_MFA_REQUIRED_FOR
        user = getattr(request, "user", None)
        if (
            not roles
            or user is None
            or not user.is_authenticated
            or request.path.startswith(ALWAYS_OPEN)
            or request.session.get(services.SSO_MFA_SESSION_KEY)
            or request.session.get(HAS_MFA_SESSION_KEY) == user.pk
        ):
            return self.get_response(request)
        if (
            Authenticator.objects.filter(user=user)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
            .exists()
        ):
            request.session[HAS_MFA_SESSION_KEY] = user.pk
            return self.get_response(request)
        covering = selectors.mfa_roles_of(user, roles)
        if not covering:
            return self.get_response(request)
        if request.session.get(ENFORCED_SESSION_KEY) != user.pk:
            services.mfa_policy_enforced(user=user, roles=covering, request=request)
            request.session[ENFORCED_SESSION_KEY] = user.pk
        messages.warning(
            request,
            _("Your role requires two-factor authentication: set up a second factor to go on."),
        )
        # The two-factor page offers every kind allauth.mfa supports here (an app's
        # codes, a security key); with TOTP alone, its set-up page directly.
        url = reverse(
            "mfa_index" if "webauthn" in settings.MFA_SUPPORTED_TYPES else "mfa_activate_totp"
        )
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
