import time
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from access.viewer import as_viewer
from audit import services as audit
from core.requestmeta import client_ip

# allauth's own action counts failures per client address and per account (and counts
# wrong two-factor codes); this one counts them per account *from one address*.
FAILED_FROM_ADDRESS = "login_failed_from_address"


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

    def pre_authenticate(self, request, **credentials) -> None:
        """Wrong passwords are limited per account from one address first (so that
        someone else's mistakes or guesses lock an account only at their own address),
        then per address and per account from everywhere, a much higher ceiling
        (ACCOUNT_RATE_LIMITS; allauth gives every count back on a successful sign-in)."""
        account = self._get_login_attempts_cache_key(request, **credentials)
        from_address = ratelimit.consume(
            request, app="allauth.account", action=FAILED_FROM_ADDRESS, key=_pair(request, account)
        )
        if from_address is None:
            _record_rate_limited(
                request, credentials, "account_from_address", FAILED_FROM_ADDRESS, account
            )
            raise self.validation_error("too_many_login_attempts")
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            from_address.rollback()
            scope = "account" if _full(request, "key", account) else "address"
            _record_rate_limited(request, credentials, scope, "login_failed", account)
            raise
        self._login_failed_rl_usage.usage.extend(from_address.usage)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # The account typed, whatever Host header came with it (allauth adds the
        # request's host: every alias in ALLOWED_HOSTS would count apart).
        return str(credentials.get("email") or credentials.get("username") or "").lower()

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # A password reset by e-mail clears the account's counts, at this address too.
        super()._delete_login_attempts_cached_email(request, **credentials)
        account = self._get_login_attempts_cache_key(request, **credentials)
        ratelimit.clear(
            request, app="allauth.account", action=FAILED_FROM_ADDRESS, key=_pair(request, account)
        )

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
        if not as_viewer(request.user).charter_accepted:
            return reverse("charter:current") + "?" + urlencode({"next": url})
        return url


def _pair(request, account: str) -> str:
    return f"{account}|{ratelimit.get_ip(request)}"


def _full(request, per: str, account: str) -> bool:
    """Whether one of the `per` ("ip" or "key") rates of login_failed is used up."""
    for rate in ratelimit.get_rates(app="allauth.account", action="login_failed"):
        if rate.per != per:
            continue
        key = ratelimit.get_cache_key(
            request, app="allauth.account", action="login_failed", rate=rate, key=account
        )
        allowed, _history = ratelimit.apply_rate(
            cache.get(key, []), time.time(), rate, dry_run=True
        )
        if not allowed:
            return True
    return False


def _record_rate_limited(request, credentials, scope: str, action: str, account: str) -> None:
    """One audit entry per limit reached and per period, however many tries follow."""
    identifier = str(credentials.get("email") or credentials.get("username") or "")[:255]
    rates = ratelimit.get_rates(app="allauth.account", action=action)
    period = max((rate.duration for rate in rates), default=300)
    subject = {
        "account_from_address": _pair(request, account),
        "account": account,
        "address": ratelimit.get_ip(request),
    }[scope]
    if cache.add(f"audit:login-rate-limited:{scope}:{subject}", 1, timeout=period):
        audit.record(
            "auth.login_rate_limited",
            request=request,
            actor_label=identifier,
            data={"identifier": identifier, "limit": scope},
        )
