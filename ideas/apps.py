from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = _("Idea box")

    def ready(self) -> None:
        # This app's audited actions join the audit catalogue (a registry).
        from audit.catalogue import ACTIONS

        ACTIONS.update(
            {
                "ideas.box_enabled": _("Idea box enabled in a community"),
                "ideas.box_disabled": _("Idea box closed in a community"),
                "ideas.reviewer_added": _("Person added to an idea review team"),
                "ideas.reviewer_removed": _("Person removed from an idea review team"),
                "ideas.status_changed": _("Status of an idea changed"),
                "ideas.merged": _("Idea merged into another"),
            }
        )
        # This app's section of "Download my data" joins the registry (core.exports).
        from . import exports  # noqa: F401
