"""From a provider's claims (OpenID Connect) or attributes (SAML) to RSE's fields,
through the RSE_SSO_ATTRIBUTES mapping."""

from django.conf import settings

from access import roles

# Directory-owned fields a sign-in refreshes: on the user, and on its CompanyIdentity.
USER_FIELDS = (
    "first_name",
    "last_name",
    "job_title",
    "department",
    "site",
    "country",
    "legal_entity",
)
IDENTITY_FIELDS = ("employee_number",)
FALSE_VALUES = {"false", "0", "no", "off", "disabled", "inactive", "suspended"}


def claims_of(extra_data: dict) -> dict:
    """One flat dict of claims: the ID token's, overridden by userinfo's (which is
    fresher and fuller). SAML extra data is already flat."""
    if "userinfo" in extra_data or "id_token" in extra_data:
        return {**(extra_data.get("id_token") or {}), **(extra_data.get("userinfo") or {})}
    return dict(extra_data)


def _first(value):
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def _truth(value) -> bool | None:
    value = _first(value)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in FALSE_VALUES


def _field_limit(name: str) -> int:
    return 64 if name == "employee_number" else 150


def map_attributes(claims: dict, overrides: dict | None = None) -> dict:
    """The mapped values: strings for the directory fields (only those present in the
    claims), `kind` ("employee" / "external" / None), `enabled` and `email_verified`
    (True / False / None when not said)."""
    mapping = {**settings.RSE_SSO_ATTRIBUTES, **(overrides or {})}
    out: dict = {}
    for field in (*USER_FIELDS, *IDENTITY_FIELDS, "email"):
        source = mapping.get(field)
        if source and source in claims and _first(claims[source]) is not None:
            out[field] = str(_first(claims[source])).strip()[: _field_limit(field)]
    if "country" in out:
        # An ISO 3166 code (charter variants); anything else is not a country: ignored.
        country = out.pop("country").upper()
        if len(country) == 2 and country.isalpha():
            out["country"] = country
    kind_source = mapping.get("kind")
    raw_kind = _first(claims.get(kind_source)) if kind_source else None
    if raw_kind is None or raw_kind == "":
        out["kind"] = None
    elif str(raw_kind).strip().lower() in settings.RSE_SSO_EXTERNAL_VALUES:
        out["kind"] = roles.EXTERNAL
    else:
        out["kind"] = roles.EMPLOYEE
    enabled_source = mapping.get("enabled")
    out["enabled"] = _truth(claims.get(enabled_source)) if enabled_source else None
    verified_source = mapping.get("email_verified")
    out["email_verified"] = _truth(claims.get(verified_source)) if verified_source else None
    return out


def mfa_asserted(claims: dict) -> bool:
    """Did the provider say this sign-in used several factors (`amr`, `acr`)?"""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = amr.split()
    # OpenID Connect: one `acr` value; SAML: the assertion's AuthnContextClassRefs.
    acr = claims.get("acr") or []
    acr_values = [str(v) for v in (acr if isinstance(acr, list | tuple) else [acr])]
    return bool(set(amr) & set(settings.RSE_SSO_MFA_AMR)) or bool(
        set(acr_values) & set(settings.RSE_SSO_MFA_ACR)
    )
