from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from core import notices

        from . import services

        notices.register(services.notify)
        from . import receivers  # noqa: F401 - the navigation counter's invalidations
