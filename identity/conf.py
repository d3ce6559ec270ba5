"""Company sign-in settings read from the environment (imported by rse/settings.py).

Pure functions of the environment: no Django model is imported here.

One OpenID Connect provider takes three variables (README, "Company sign-in"):

    RSE_OIDC_SERVER_URL=https://login.microsoftonline.com/<tenant>/v2.0
    RSE_OIDC_CLIENT_ID=...   RSE_OIDC_CLIENT_SECRET=...

Several providers (or other options) go in RSE_SSO_PROVIDERS, a JSON list of objects
with the keys of `_oidc_app` below.
"""

import json
import os

from django.core.exceptions import ImproperlyConfigured

# Where each directory-owned field comes from in the provider's claims (OpenID Connect
# userinfo or ID token; SAML attributes use the same keys). RSE_SSO_ATTRIBUTES (JSON)
# overrides any of them; an empty string turns a field's mapping off.
DEFAULT_ATTRIBUTE_MAP = {
    "email": "email",
    "email_verified": "email_verified",
    "first_name": "given_name",
    "last_name": "family_name",
    "job_title": "job_title",
    "department": "department",
    "site": "site",
    "country": "country",
    "legal_entity": "legal_entity",
    "employee_number": "employee_number",
    "kind": "employee_type",
    "enabled": "account_enabled",
}

LOCAL_PASSWORD_POLICIES = ("all", "externals-only")
MFA_ROLES = ("staff", "site_moderators", "community_managers", "externals")


def _json(name: str, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be JSON: {exc}") from exc


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def _oidc_app(spec: dict, *, company_domains: list[str]) -> dict:
    """One allauth `openid_connect` app from a provider description."""
    missing = [key for key in ("server_url", "client_id") if not spec.get(key)]
    if missing:
        raise ImproperlyConfigured(f"SSO provider {spec!r} lacks {', '.join(missing)}.")
    provider_id = spec.get("id") or "company"
    # Optional: how the client authenticates at the token endpoint, and whether the
    # provider's addresses count as verified without an `email_verified` claim (Entra
    # ID sends none): True, or a list of domains.
    extra = {key: spec[key] for key in ("token_auth_method", "verified_email") if key in spec}
    return {
        "provider_id": provider_id,
        "name": spec.get("name") or os.environ.get("RSE_SSO_COMPANY_NAME", "") or "SSO",
        "client_id": spec["client_id"],
        "secret": spec.get("secret", ""),
        "settings": {
            "server_url": spec["server_url"],
            "oauth_pkce_enabled": True,
            "scope": spec.get("scope") or ["openid", "profile", "email"],
            # Addresses of these domains are sent to this provider (home realm discovery).
            "domains": [d.lower() for d in spec.get("domains") or company_domains],
            "attributes": spec.get("attributes") or {},
            **extra,
        },
    }


def oidc_apps_from_env(*, company_domains: list[str]) -> list[dict]:
    specs = list(_json("RSE_SSO_PROVIDERS", []))
    if os.environ.get("RSE_OIDC_SERVER_URL"):
        specs.insert(
            0,
            {
                "id": os.environ.get("RSE_OIDC_PROVIDER_ID", "company"),
                "name": os.environ.get("RSE_OIDC_NAME", ""),
                "server_url": os.environ["RSE_OIDC_SERVER_URL"],
                "client_id": os.environ.get("RSE_OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("RSE_OIDC_CLIENT_SECRET", ""),
                "domains": _list("RSE_OIDC_DOMAINS", []),
                "scope": _list("RSE_OIDC_SCOPE", []),
                **(
                    {"verified_email": _list("RSE_OIDC_VERIFIED_DOMAINS", [])}
                    if os.environ.get("RSE_OIDC_VERIFIED_DOMAINS")
                    else {}
                ),
            },
        )
    return [
        _oidc_app(spec, company_domains=company_domains)
        for spec in specs
        if spec.get("protocol", "oidc") == "oidc"
    ]


def _saml_app(spec: dict, *, company_domains: list[str]) -> dict:
    """One allauth `saml` app: the IdP by its metadata URL, or by entity id, sign-in URL
    and certificate. Assertions must be signed."""
    if not spec.get("entity_id"):
        raise ImproperlyConfigured(f"SAML provider {spec!r} lacks entity_id.")
    idp = {"entity_id": spec["entity_id"]}
    if spec.get("metadata_url"):
        idp["metadata_url"] = spec["metadata_url"]
    elif spec.get("sso_url") and spec.get("x509cert"):
        idp.update(sso_url=spec["sso_url"], x509cert=spec["x509cert"])
        if spec.get("slo_url"):
            idp["slo_url"] = spec["slo_url"]
    else:
        raise ImproperlyConfigured(
            f"SAML provider {spec!r} needs metadata_url, or sso_url and x509cert."
        )
    slug = spec.get("id") or "company-saml"
    extra = {key: spec[key] for key in ("verified_email", "attribute_mapping") if key in spec}
    return {
        "provider_id": slug,
        "client_id": slug,
        "name": spec.get("name") or os.environ.get("RSE_SSO_COMPANY_NAME", "") or "SSO",
        "settings": {
            "idp": idp,
            "advanced": {
                "strict": True,
                "want_assertion_signed": True,
                "want_message_signed": bool(spec.get("want_message_signed", False)),
                "reject_idp_initiated_sso": True,
                **(spec.get("advanced") or {}),
            },
            "domains": [d.lower() for d in spec.get("domains") or company_domains],
            "attributes": spec.get("attributes") or {},
            **extra,
        },
    }


def saml_apps_from_env(*, company_domains: list[str]) -> list[dict]:
    specs = [s for s in _json("RSE_SSO_PROVIDERS", []) if s.get("protocol") == "saml"]
    if os.environ.get("RSE_SAML_ENTITY_ID"):
        specs.insert(
            0,
            {
                "id": os.environ.get("RSE_SAML_PROVIDER_ID", "company-saml"),
                "name": os.environ.get("RSE_SAML_NAME", ""),
                "entity_id": os.environ["RSE_SAML_ENTITY_ID"],
                "metadata_url": os.environ.get("RSE_SAML_METADATA_URL", ""),
                "domains": _list("RSE_SAML_DOMAINS", []),
                **(
                    {"verified_email": _list("RSE_SAML_VERIFIED_DOMAINS", [])}
                    if os.environ.get("RSE_SAML_VERIFIED_DOMAINS")
                    else {}
                ),
            },
        )
    return [_saml_app(spec, company_domains=company_domains) for spec in specs]


def attribute_map_from_env() -> dict[str, str]:
    overrides = _json("RSE_SSO_ATTRIBUTES", {})
    unknown = set(overrides) - set(DEFAULT_ATTRIBUTE_MAP)
    if unknown:
        raise ImproperlyConfigured(f"RSE_SSO_ATTRIBUTES: unknown fields {sorted(unknown)}.")
    return {**DEFAULT_ATTRIBUTE_MAP, **overrides}


def local_passwords_from_env() -> str:
    value = os.environ.get("RSE_LOCAL_PASSWORDS", "all").strip().lower() or "all"
    if value not in LOCAL_PASSWORD_POLICIES:
        raise ImproperlyConfigured(
            f"RSE_LOCAL_PASSWORDS must be one of {', '.join(LOCAL_PASSWORD_POLICIES)}."
        )
    return value


def mfa_roles_from_env() -> list[str]:
    roles = _list("RSE_MFA_REQUIRED_FOR", [])
    unknown = set(roles) - set(MFA_ROLES)
    if unknown:
        raise ImproperlyConfigured(
            f"RSE_MFA_REQUIRED_FOR: unknown roles {sorted(unknown)} "
            f"(known: {', '.join(MFA_ROLES)})."
        )
    return roles
