"""Throttling per token and per person (README, "API"): counters in the cache (Redis
in production), a 429 problem with Retry-After past the rate.

A person's tokens and sessions share the person's budget; each token also has its
own, smaller one, so one runaway script does not use up its owner's whole allowance.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import PersonalAccessToken


class PerPersonThrottle(SimpleRateThrottle):
    scope = "person"

    def get_rate(self):
        return settings.RSE_API_RATE_PER_PERSON

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class PerTokenThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self):
        return settings.RSE_API_RATE_PER_TOKEN

    def get_cache_key(self, request, view):
        auth = request.auth
        if isinstance(auth, PersonalAccessToken):
            ident = f"pat-{auth.pk}"
        elif getattr(auth, "token", None) and getattr(auth, "pk", None):
            ident = f"oauth-{auth.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
