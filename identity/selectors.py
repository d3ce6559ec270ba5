"""Reads for the company sign-in."""

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.urls import reverse

from access.moderation import is_site_moderator
from communities.models import Membership


def mfa_roles_of(user, roles: list[str]) -> list[str]:
    """Which of the two-factor policy's `roles` this person holds."""
    held = []
    if "staff" in roles and (user.is_staff or user.is_superuser):
        held.append("staff")
    if "externals" in roles and user.is_external:
        held.append("externals")
    if "site_moderators" in roles and is_site_moderator(user):
        held.append("site_moderators")
    if (
        "community_managers" in roles
        and Membership.objects.filter(
            user=user, role=Membership.Role.MANAGER, status=Membership.Status.ACTIVE
        ).exists()
    ):
        held.append("community_managers")
    return held


def sso_apps(request) -> list:
    """The company's OpenID Connect and SAML providers, as allauth apps (from settings
    or the database)."""
    adapter = get_social_adapter()
    return [
        *adapter.list_apps(request, provider="openid_connect"),
        *adapter.list_apps(request, provider="saml"),
    ]


def sso_login_url(app) -> str:
    if app.provider == "saml":
        return reverse("saml_login", kwargs={"organization_slug": app.client_id})
    return reverse("openid_connect_login", kwargs={"provider_id": app.provider_id})


def sso_login_choices(request) -> list[dict]:
    """What the sign-in page offers first: one "Sign in with <name>" per provider."""
    return [
        {"name": app.name, "url": sso_login_url(app)}
        for app in sso_apps(request)
        if not app.settings.get("hidden")
    ]


def sso_app_for_email(request, email: str):
    """Home realm discovery: the provider whose domains include this address's."""
    if "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    for app in sso_apps(request):
        if domain in [d.lower() for d in app.settings.get("domains") or []]:
            return app
    return None
