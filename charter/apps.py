from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CharterConfig(AppConfig):
    name = "charter"
    verbose_name = _("Usage charter")

    def ready(self) -> None:
        # This app's section of "Download my data" joins the registry (core.exports).
        from . import (
            exports,  # noqa: F401
            receivers,  # noqa: F401 - the cached charter status (core.navcounters)
        )
