from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "observatory"
    verbose_name = _("Usage observatory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import readings

        from .services import reading_record

        readings.register(reading_record)
