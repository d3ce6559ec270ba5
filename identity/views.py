"""Company sign-in views: the sign-in page with home realm discovery, and the
OpenID Connect back-channel logout endpoint."""

from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from profiles.adapters import email_domain_allowed

from . import logout_tokens, selectors, services


class CompanyLoginView(LoginView):
    """allauth's sign-in page with home realm discovery: "Sign in with <company>" comes
    first, and an address of a federated domain is sent to its identity provider. With
    RSE_LOCAL_PASSWORDS=externals-only, company addresses have no password here."""

    template_name = "identity/login.html"

    def post(self, request, *args, **kwargs):
        email = request.POST.get("login", "").strip()
        app = selectors.sso_app_for_email(request, email)
        if app is not None:
            provider = app.get_provider(request)
            extra = {}
            if app.provider == "openid_connect":
                extra["auth_params"] = {**provider.get_auth_params(), "login_hint": email}
            return provider.redirect(
                request, AuthProcess.LOGIN, next_url=get_next_redirect_url(request), **extra
            )
        if settings.RSE_LOCAL_PASSWORDS == "externals-only" and email_domain_allowed(email):
            form = self.get_form()
            form.is_valid()  # keeps what was typed; the error below is the one shown
            form.errors.clear()
            form.add_error(
                None,
                _(
                    "Employees sign in with the company's identity provider: local "
                    "passwords are for external partners only."
                ),
            )
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if "remember" in form.fields:  # allauth's label is in Title Case
            form.fields["remember"].label = _("Remember me")
        if selectors.sso_apps(self.request):
            # An address alone is enough when it is a federated one: the browser must
            # not insist on a password (the server still asks for one otherwise).
            form.use_required_attribute = False
        return form

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["sso_providers"] = selectors.sso_login_choices(self.request)
        context["externals_only"] = settings.RSE_LOCAL_PASSWORDS == "externals-only"
        return context


login = CompanyLoginView.as_view()


@csrf_exempt
@never_cache
@require_POST
def oidc_backchannel_logout(request: HttpRequest, provider_id: str):
    """OpenID Connect Back-Channel Logout 1.0: the provider posts a signed logout token;
    every RSE session of that person ends at once."""
    try:
        provider = get_social_adapter().get_provider(request, provider_id)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    if provider.id != "openid_connect":
        raise Http404
    try:
        claims = logout_tokens.verify(provider, request.POST.get("logout_token", ""), request)
    except OAuth2Error as exc:
        return JsonResponse({"error": "invalid_request", "error_description": str(exc)}, status=400)
    account = (
        SocialAccount.objects.select_related("user")
        .filter(provider=provider_id, uid=claims.get("sub", ""))
        .first()
    )
    if account is not None:
        services.identity_single_logout(
            user=account.user, provider=provider_id, sid=claims.get("sid", ""), request=request
        )
    return JsonResponse({})
