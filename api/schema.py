"""How the OpenAPI schema describes the API's authentications (drf-spectacular
extensions, loaded by ApiConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (rse_pat_…), created at /me/api-tokens/.",
        }


class OAuthScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonOAuth2Authentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "/api/v1/oauth/authorize/",
                    "tokenUrl": "/api/v1/oauth/token/",
                    "scopes": {
                        "read": "Read what you may read",
                        "write": "Post, comment, like, join and follow as you",
                        "moderate": "Handle the reports you may handle",
                    },
                }
            },
        }


PROBLEM = {
    "type": "object",
    "description": "An RFC 9457 problem detail.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "description": "For 400: the fields at fault and their messages.",
        },
        "charter_url": {
            "type": "string",
            "description": "For a write before accepting the charter: where to read it.",
        },
    },
    "required": ["type", "title", "status"],
}
PROBLEM_STATUSES = {
    "400": "Invalid request (the fields at fault in `errors`)",
    "401": "Not authenticated: no token, or an unknown, expired or revoked one",
    "403": "Forbidden: a missing scope, the charter not accepted, a rule refused",
    "404": "Not found, or hidden from you (never 403 for what you may not discover)",
    "405": "Method not allowed",
    "415": "Unsupported media type",
    "429": "Too many requests: wait the seconds in Retry-After",
}


def add_problem_responses(result, generator, request, public):
    """Every operation may answer the problems above (drf-spectacular postprocessing
    hook): declared once, with their shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in PROBLEM_STATUSES.items():
                responses.setdefault(code, {"description": description, "content": content})
            if "429" in responses:
                responses["429"]["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds"}
                }
    return result
