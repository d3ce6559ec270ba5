from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from communities.events import community_archived
        from notifications import hooks
        from posts.events import post_published

        from . import push, quiet, receivers

        post_published.connect(receivers.post_published, dispatch_uid="alerts.post_published")
        community_archived.connect(
            receivers.community_archived, dispatch_uid="alerts.community_archived"
        )
        hooks.set_delivery_gate(quiet.delivery_gate)
        hooks.on_created(push.on_created)
        # This app's section of "Download my data" joins the registry (core.exports).
        from . import exports  # noqa: F401
