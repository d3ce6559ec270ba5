from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Company sign-in")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - SSO sign-ins and two-factor changes
