"""Company sign-in views: the sign-in page with home realm discovery, and the
OpenID Connect back-channel logout endpoint."""

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import logout_tokens, services


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
        services.identity_backchannel_logout(
            user=account.user, provider=provider_id, sid=claims.get("sid", ""), request=request
        )
    return JsonResponse({})
