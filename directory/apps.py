from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Company directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from profiles.events import person_erased

        from . import receivers

        person_erased.connect(receivers.person_erased, dispatch_uid="directory.person_erased")
