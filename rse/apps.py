from django.apps import AppConfig


class RseConfig(AppConfig):
    name = "rse"
    verbose_name = "RSE"

    def ready(self) -> None:
        from . import lookups  # noqa: F401 - registers `field__any`
