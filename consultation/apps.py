from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "consultation"
    verbose_name = _("Charter consultation")

    def ready(self) -> None:
        from charter import hooks

        from . import services

        hooks.register(
            check=services.publication_refusals,
            on_published=services.summary_attach,
            record_links=services.record_links,
        )
        # This app's section of "Download my data" joins the registry (core.exports).
        from . import exports  # noqa: F401
