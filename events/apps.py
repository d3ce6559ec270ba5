from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        # This app's audited actions join the audit catalogue (a registry: the audit
        # layer below does not know this app).
        from audit.catalogue import ACTIONS

        ACTIONS.update({"event.cancelled": _("Event cancelled")})
        # This app's section of "Download my data" joins the registry (core.exports).
        from . import exports  # noqa: F401
