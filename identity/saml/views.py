from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.providers.saml import views as allauth_views
from allauth.socialaccount.providers.saml.utils import get_app_or_404
from django.http import HttpRequest
from django.views.decorators.csrf import csrf_exempt

from identity import services


@csrf_exempt
@login_not_required
def sls(request: HttpRequest, organization_slug: str):
    """SAML single logout sent by the IdP (allauth checks the request and signs this
    browser out). It is audited; when the IdP's logout requests must be signed
    (`want_message_signed`), the person's other RSE sessions end too."""
    user = request.user if request.user.is_authenticated else None
    response = allauth_views.sls(request, organization_slug=organization_slug)
    if (
        user is not None
        and "SAMLRequest" in request.GET
        and response.status_code == 302
        and not request.user.is_authenticated
    ):
        app = get_app_or_404(request, organization_slug)
        signed = bool(app.settings.get("advanced", {}).get("want_message_signed"))
        services.identity_single_logout(
            user=user,
            provider=app.provider_id or organization_slug,
            sid="",
            request=request,
            everywhere=signed,
            already_ended=1,
        )
    return response
