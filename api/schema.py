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
